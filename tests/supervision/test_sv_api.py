"""Plan upload → review → ledger → reports → closing through the API, on both databases."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlalchemy import func, select

import builders
from huanxin.db import Database
from huanxin.supervision.models import Plan, Report, Task, TaskUnit, UnitMatch

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(api: TestClient, content: bytes, name: str = "plan.txt", key: str = "u1") -> Any:
    return api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": (name, content)},
        headers={"Idempotency-Key": key},
    )


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


PLAN = "\n".join(
    [
        "沁水县推动设备更新和以旧换新工作方案",
        "沁政发〔2026〕1号",
        "一、工作目标",
        "到2027年，报废汽车回收拆解量达到3000辆，设备投资规模较2023年增长25%以上。",
        "二、重点任务",
        (
            "（一）开展汽车以旧换新。组织汽车促销活动，落实报废更新补贴。"
            "（牵头单位：县工信局<县商务局>；配合单位：县财政局）"
        ),
        (
            "（二）推进家电以旧换新。支持家电销售企业联合回收企业开展促销。"
            "（牵头单位：县工信局<县商务局>；配合单位：沁水县住房和城乡建设局）"
        ),
        (
            "（三）推动工业设备更新。组织企业申报设备更新项目。"
            "（牵头单位：县发改局；配合单位：县新能源推进中心）"
        ),
    ]
).encode("utf-8")


def imported(db: Database, ids: dict[str, int]) -> tuple[TestClient, dict[str, Any]]:
    api = builders.api_client(db, "office.140521")
    r = upload(api, PLAN)
    assert r.status_code == 201, r.text
    return api, r.json()


def confirmed(db: Database, ids: dict[str, int]) -> tuple[TestClient, int]:
    api, plan = imported(db, ids)
    r = api.post(
        f"/api/v1/supervision/plans/{plan['id']}/confirm",
        json={"matches": {"县新能源推进中心": "new"}},
        headers={"Idempotency-Key": "c1"},
    )
    assert r.status_code == 200, r.text
    return api, plan["id"]


def task_id(api: TestClient, ref: str) -> int:
    tasks = api.get("/api/v1/supervision/tasks").json()
    return int(next(t["id"] for t in tasks if t["ref"] == ref))


def test_upload_stores_plan_and_proposes_matches(
    database: Database, sv_world: dict[str, int]
) -> None:
    _, plan = imported(database, sv_world)
    assert plan["title"] == "沁水县推动设备更新和以旧换新工作方案"
    assert plan["doc_number"] == "沁政发〔2026〕1号"
    assert plan["status"] == "review" and plan["file_format"] == "txt"
    assert [t["ref"] for t in plan["tasks"]] == ["二/（一）", "二/（二）", "二/（三）"]
    assert [t["indicator"] for t in plan["targets"]] == ["报废汽车回收拆解量", "设备投资规模"]
    assert plan["unplaced"][0]["reason"] == "section_without_units_not_a_task"
    got = {m["unit_name"]: (m["method"], m["department_id"]) for m in plan["matches"]}
    assert got == {
        "县工信局<县商务局>": ("alias", sv_world["县商务局"]),
        "县财政局": ("exact", sv_world["县财政局"]),
        "沁水县住房和城乡建设局": ("fuzzy", sv_world["县住建局"]),
        "县发改局": ("exact", sv_world["县发改局"]),
        "县新能源推进中心": ("none", None),
    }
    assert count(database, Task) == 0  # no ledger before the office confirms


def test_confirm_with_unresolved_unit_is_refused_and_changes_nothing(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, plan = imported(database, sv_world)
    r = api.post(
        f"/api/v1/supervision/plans/{plan['id']}/confirm",
        json={"matches": {}},
        headers={"Idempotency-Key": "c0"},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "units_unresolved" and "县新能源推进中心" in r.json()["message"]
    assert count(database, Task) == 0
    with database.sessions() as session:
        assert session.scalar(select(func.count()).where(UnitMatch.confirmed.is_(True))) == 0
        assert session.scalars(select(Plan.status)).one() == "review"


def test_confirm_builds_ledger_with_corrected_match_and_new_department(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, plan = imported(database, sv_world)
    choices = {"县新能源推进中心": "new", "沁水县住房和城乡建设局": str(sv_world["县发改局"])}
    r = api.post(
        f"/api/v1/supervision/plans/{plan['id']}/confirm",
        json={"matches": choices},
        headers={"Idempotency-Key": "c2"},
    )
    assert r.json() == {
        "plan_id": plan["id"],
        "tasks": 3,
        "indicators": 2,
        "checkpoints": 0,
        "created_departments": ["县新能源推进中心"],
    }
    tasks = {t["ref"]: t for t in api.get("/api/v1/supervision/tasks").json()}
    assert tasks["二/（二）"]["lead_units"] == ["县商务局"]
    assert tasks["二/（二）"]["support_units"] == ["县发改局"]
    assert tasks["二/（三）"]["support_units"] == ["县新能源推进中心"]
    assert tasks["二/（一）"]["deadline"] == "2027-12-31"
    assert {t["status"] for t in tasks.values()} == {"not_started"}
    depts = api.get("/api/v1/supervision/departments").json()
    new = next(d for d in depts if d["name"] == "县新能源推进中心")
    orgs = api.get("/api/v1/orgs", params={"kind": "department"}).json()
    assert any(o["id"] == new["org_id"] and o["name"] == "沁水县新能源推进中心" for o in orgs)
    again = api.post(
        f"/api/v1/supervision/plans/{plan['id']}/confirm",
        json={"matches": {}},
        headers={"Idempotency-Key": "c3"},
    )
    assert again.status_code == 409 and again.json()["code"] == "plan_already_confirmed"


def test_image_only_pdf_and_non_plan_are_refused(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    r = upload(api, buf.getvalue(), "scan.pdf", "p1")
    assert r.status_code == 422 and r.json()["code"] == "plan_no_text_layer"
    assert "没有文本层" in r.json()["message"]
    r = upload(api, "会议通知\n请各单位准时参加。\n".encode(), "notice.txt", "p2")
    assert r.status_code == 422 and r.json()["code"] == "plan_not_a_plan"
    assert "不是实施方案" in r.json()["message"]
    r = upload(api, b"x", "plan.xlsx", "p3")
    assert r.status_code == 415
    assert count(database, Plan) == 0 and count(database, UnitMatch) == 0


def test_department_reports_its_task_with_attachment(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = confirmed(database, sv_world)
    tid = task_id(api, "二/（一）")
    dept = builders.api_client(database, "department.140521")
    assert [t["ref"] for t in dept.get("/api/v1/supervision/tasks").json()] == [
        "二/（一）",
        "二/（二）",
    ]
    r = dept.post(
        f"/api/v1/supervision/tasks/{tid}/reports",
        data={"period": "2026-01", "percent": "40", "text": "已开展促销活动3场"},
        files=[("attachments", ("photo.png", PNG, "image/png"))],
        headers={"Idempotency-Key": "r1"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["attachments"][0]["filename"] == "photo.png"
    shown = api.get(f"/api/v1/supervision/tasks/{tid}").json()
    assert shown["latest_percent"] == 40 and shown["latest_period"] == "2026-01"
    assert shown["reports"][0]["text"] == "已开展促销活动3场"
    att = api.get(f"/api/v1/supervision/attachments/{shown['reports'][0]['attachments'][0]['id']}")
    assert att.content == PNG and att.headers["content-type"] == "image/png"


def test_report_for_another_departments_task_is_refused(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = confirmed(database, sv_world)
    tid = task_id(api, "二/（一）")  # led by 县商务局, supported by 县财政局
    fagai = builders.api_client(database, "fagai")
    r = fagai.post(
        f"/api/v1/supervision/tasks/{tid}/reports",
        data={"period": "2026-01", "percent": "10", "text": "代报"},
        headers={"Idempotency-Key": "r2"},
    )
    assert r.status_code == 403 and r.json()["code"] == "not_your_task"
    assert "不是本部门" in r.json()["message"]
    assert count(database, Report) == 0


def test_bad_attachment_type_is_refused(database: Database, sv_world: dict[str, int]) -> None:
    api, _ = confirmed(database, sv_world)
    tid = task_id(api, "二/（一）")
    dept = builders.api_client(database, "department.140521")
    for name, content in [("run.exe", b"MZ..."), ("fake.pdf", b"not a pdf")]:
        r = dept.post(
            f"/api/v1/supervision/tasks/{tid}/reports",
            data={"period": "2026-01", "percent": "10", "text": "进展"},
            files=[("attachments", (name, content))],
            headers={"Idempotency-Key": "bad-" + name},
        )
        assert r.status_code == 422 and r.json()["code"] == "attachment_rejected"
        assert name in r.json()["message"]
    assert count(database, Report) == 0


def test_closing_needs_evidence_and_office_approval(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = confirmed(database, sv_world)
    tid = task_id(api, "二/（一）")
    dept = builders.api_client(database, "department.140521")
    url = f"/api/v1/supervision/tasks/{tid}/close-request"
    r = dept.post(url, data={"evidence": "已完成"}, headers={"Idempotency-Key": "x1"})
    assert r.status_code == 422 and r.json()["field"] == "files"
    r = dept.post(
        url,
        data={"evidence": "已完成全部促销活动"},
        files=[("attachments", ("proof.pdf", b"%PDF-1.4 proof"))],
        headers={"Idempotency-Key": "x2"},
    )
    assert r.json() == {"task_id": tid, "closing": "requested"}
    refused = dept.post(
        f"/api/v1/supervision/tasks/{tid}/close-decision",
        json={"approve": True},
        headers={"Idempotency-Key": "x3"},
    )
    assert refused.status_code == 403
    ok = api.post(
        f"/api/v1/supervision/tasks/{tid}/close-decision",
        json={"approve": True},
        headers={"Idempotency-Key": "x4"},
    )
    assert ok.json()["closing"] == "closed"
    assert api.get(f"/api/v1/supervision/tasks/{tid}").json()["status"] == "done"
    again = api.post(
        f"/api/v1/supervision/tasks/{tid}/close-decision",
        json={"approve": False, "note": "重新整改"},
        headers={"Idempotency-Key": "x5"},
    )
    assert again.status_code == 409 and again.json()["code"] == "illegal_closing"
    assert api.get(f"/api/v1/supervision/tasks/{tid}").json()["status"] == "done"


def test_other_jurisdiction_office_cannot_see_the_plan(
    database: Database, sv_world: dict[str, int]
) -> None:
    _, plan = imported(database, sv_world)
    other = builders.api_client(database, "office.371525")
    assert other.get(f"/api/v1/supervision/plans/{plan['id']}").status_code == 404
    assert other.get("/api/v1/supervision/tasks").json() == []


def test_update_task_seals_responsible_person(database: Database, sv_world: dict[str, int]) -> None:
    api, _ = confirmed(database, sv_world)
    tid = task_id(api, "二/（三）")
    body = {
        "yearly_goals": "2026年申报项目5个",
        "measures": "月度调度",
        "deadline": "2026-06-30",
        "responsible_person": "李明",
        "schedule": "quarterly",
    }
    r = api.post(f"/api/v1/supervision/tasks/{tid}", json=body, headers={"Idempotency-Key": "t1"})
    assert r.status_code == 200, r.text
    assert r.json()["responsible_person"] == "李*"
    assert r.json()["schedule"] == "quarterly" and r.json()["deadline"] == "2026-06-30"
    with database.sessions() as session:
        stored = session.get(Task, tid)
        assert stored is not None and stored.responsible_person_enc is not None
        assert "李明" not in stored.responsible_person_enc
        assert session.scalar(select(func.count()).select_from(TaskUnit)) == 6
