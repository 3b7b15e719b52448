"""Plan milestones become dated checkpoints of the ledger that drive status and reminders."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from docx import Document
from openpyxl import load_workbook

import builders
from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.db import Database
from huanxin.supervision import vocab as rules
from huanxin.supervision.models import Checkpoint
from huanxin.supervision.service import briefings, ledger

PLAN = "\n".join(
    [
        "沁水县推动设备更新工作方案",
        "一、工作目标",
        "到2025年，城镇老旧小区基本完成改造任务；到2026年，实现再生资源回收电子化申报。",
        "二、重点任务",
        (
            "（一）推进老旧小区改造。实施老旧小区改造，到2024年底基本完成改造任务。"
            "（牵头单位：县住建局；配合单位：县财政局）"
        ),
        (
            "（二）淘汰老旧柴油货车。加快淘汰老旧营运柴油货车，到2027年，全部淘汰国三及以下排放标准"
            "营运柴油货车。（牵头单位：县商务局）"
        ),
        "（三）推动工业设备更新。组织企业申报项目，到2027年，累计实施设备更新项目20个。（牵头单位：县发改局）",
    ]
).encode("utf-8")


def _confirmed(db: Database) -> tuple[builders.TestClient, int]:
    api = builders.api_client(db, "office.140521")
    r = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("plan.txt", PLAN)},
        headers={"Idempotency-Key": "u"},
    )
    assert r.status_code == 201, r.text
    done = api.post(
        f"/api/v1/supervision/plans/{r.json()['id']}/confirm",
        json={"matches": {}},
        headers={"Idempotency-Key": "c"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["checkpoints"] == 4
    return api, r.json()["id"]


def _by_title(api: builders.TestClient) -> dict[str, dict[str, Any]]:
    return {c["title"]: c for c in api.get("/api/v1/supervision/checkpoints").json()}


def _tasks(api: builders.TestClient) -> dict[str, dict[str, Any]]:
    return {t["ref"]: t for t in api.get("/api/v1/supervision/tasks").json()}


def test_milestones_become_checkpoints_of_their_tasks(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = _confirmed(database)
    tasks = _tasks(api)
    got = {title: (c["due"], c["task_id"]) for title, c in _by_title(api).items()}
    assert got == {
        "基本完成改造任务": ("2024-12-31", tasks["二/（一）"]["id"]),  # in the task's own text
        "城镇老旧小区基本完成改造任务": (
            "2025-12-31",
            tasks["二/（一）"]["id"],
        ),  # goals: by wording
        "实现再生资源回收电子化申报": ("2026-12-31", None),  # no task fits: plan-wide
        "全部淘汰国三及以下排放标准营运柴油货车": ("2027-12-31", tasks["二/（二）"]["id"]),
    }
    shown = api.get(f"/api/v1/supervision/tasks/{tasks['二/（一）']['id']}").json()
    assert [c["title"] for c in shown["checkpoints"]] == [
        "基本完成改造任务",
        "城镇老旧小区基本完成改造任务",
    ]
    # a target inside a task's section is assigned to that task's lead department
    target = next(
        i
        for i in api.get("/api/v1/supervision/indicators").json()
        if i["name"] == "累计实施设备更新项目"
    )
    assert target["department_id"] == sv_world["县发改局"]


def test_a_missed_checkpoint_puts_the_task_at_risk_until_confirmed(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = _confirmed(database)
    tasks = _tasks(api)
    assert tasks["二/（一）"]["status"] == "at_risk"  # 2024 and 2025 checkpoints passed, open
    assert tasks["二/（二）"]["status"] == "not_started"  # its checkpoint is in 2027
    assert tasks["二/（一）"]["next_checkpoint"]["title"] == "基本完成改造任务"
    marks = _by_title(api)
    dept = builders.api_client(database, "fagai")  # 县发改局: not the lead of 二/（一）
    url = f"/api/v1/supervision/checkpoints/{marks['基本完成改造任务']['id']}/done"
    refused = dept.post(url, json={"note": "已完成"}, headers={"Idempotency-Key": "d0"})
    assert refused.status_code == 403 and "牵头单位" in refused.json()["message"]
    empty = api.post(url, json={"note": " "}, headers={"Idempotency-Key": "d1"})
    assert empty.status_code == 422 and empty.json()["field"] == "note"
    for key, title in (("d2", "基本完成改造任务"), ("d3", "城镇老旧小区基本完成改造任务")):
        done = api.post(
            f"/api/v1/supervision/checkpoints/{marks[title]['id']}/done",
            json={"note": "住建局验收报告"},
            headers={"Idempotency-Key": key},
        )
        assert done.status_code == 200 and done.json()["state"] == "done"
    twice = api.post(url, json={"note": "again"}, headers={"Idempotency-Key": "d4"})
    assert twice.status_code == 409
    assert _tasks(api)["二/（一）"]["status"] == "not_started"
    back = api.post(
        url.replace("/done", "/reopen"),
        json={"note": "验收材料不全"},
        headers={"Idempotency-Key": "r1"},
    )
    assert back.status_code == 200 and back.json()["state"] == "missed"
    assert _tasks(api)["二/（一）"]["status"] == "at_risk"
    lead = builders.api_client(database, "department.140521")  # 县商务局 leads 二/（二）
    own = marks["全部淘汰国三及以下排放标准营运柴油货车"]["id"]
    ok = lead.post(
        f"/api/v1/supervision/checkpoints/{own}/done",
        json={"note": "已全部淘汰"},
        headers={"Idempotency-Key": "l1"},
    )
    assert ok.status_code == 200, ok.text
    assert [c["id"] for c in lead.get("/api/v1/supervision/checkpoints").json()] == [own]


def _office(database: Database) -> Actor:
    with database.sessions() as session:
        scope = jurisdictions.subtree_codes(session, "140521")
    return Actor(
        user_id=0,
        username="t",
        display_name="t",
        role="office",
        jurisdiction_code="140521",
        scope_codes=scope,
    )


def test_checkpoint_reminders_and_assignment(database: Database, sv_world: dict[str, int]) -> None:
    api, plan_id = _confirmed(database)
    office = _office(database)
    with database.sessions() as session:
        soon = ledger.reminders(session, office, days=30, today=date(2027, 12, 10))
        late = ledger.reminders(session, office, days=0, today=date(2026, 1, 5))
    near = [r for r in soon if r.kind == "checkpoint"]
    assert [(r.ref, r.message) for r in near] == [
        ("二/（二）", "时间节点“全部淘汰国三及以下排放标准营运柴油货车”距到期还有 21 天")
    ]
    missed = {(r.ref, r.due) for r in late if r.kind == "checkpoint_missed"}
    assert missed == {("二/（一）", date(2024, 12, 31)), ("二/（一）", date(2025, 12, 31))}
    with database.sessions() as session:
        at_2027 = ledger.reminders(session, office, days=0, today=date(2027, 1, 5))
    wide = [r for r in at_2027 if r.task_id is None]
    assert [(r.ref, r.kind) for r in wide] == [("全局", "checkpoint_missed")]
    assert ledger.REMINDER_LABELS["checkpoint_missed"] == "节点逾期"
    free = _by_title(api)["实现再生资源回收电子化申报"]
    assert free["plan_id"] == plan_id
    tasks = _tasks(api)
    url = f"/api/v1/supervision/checkpoints/{free['id']}/assign"
    r = api.post(url, json={"task_id": tasks["二/（三）"]["id"]}, headers={"Idempotency-Key": "a1"})
    assert r.status_code == 200 and r.json()["task_id"] == tasks["二/（三）"]["id"]
    gone = api.post(url, json={"task_id": 987654}, headers={"Idempotency-Key": "a2"})
    assert gone.status_code == 404
    dept = builders.api_client(database, "department.140521")
    denied = dept.post(url, json={"task_id": None}, headers={"Idempotency-Key": "a3"})
    assert denied.status_code == 403
    with database.sessions() as session:
        row = session.get(Checkpoint, free["id"])
        assert row is not None and row.task_id == tasks["二/（三）"]["id"]


def test_status_rule_with_checkpoints() -> None:
    facts = rules.TaskFacts(
        closed=False,
        deadline=date(2027, 12, 31),
        created=date(2026, 1, 1),
        schedule="monthly",
        latest_percent=80,
        reported_periods=frozenset({"2026-05", "2026-06"}),
        open_checkpoints=(date(2026, 6, 30),),
    )
    assert rules.status(facts, date(2026, 6, 30)) == "on_track"
    assert rules.status(facts, date(2026, 7, 1)) == "at_risk"
    assert rules.status(facts, date(2028, 1, 1)) == "overdue"


def test_checkpoint_pages(database: Database, sv_world: dict[str, int]) -> None:
    api, _ = _confirmed(database)
    tasks = _tasks(api)
    web = builders.web_client(database, "office.140521")
    page = web.get("/supervision/checkpoints")
    assert page.status_code == 200 and "已过期未完成" in page.text and "未关联任务" in page.text
    task_page = web.get(f"/supervision/tasks/{tasks['二/（一）']['id']}")
    assert "城镇老旧小区基本完成改造任务" in task_page.text and "确认完成" in task_page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    first = _by_title(api)["基本完成改造任务"]["id"]
    back = f"/supervision/tasks/{tasks['二/（一）']['id']}"
    empty = web.post(
        f"/supervision/checkpoints/{first}",
        data={"csrf_token": csrf, "action": "done", "note": "", "back": back},
    )
    assert empty.status_code == 422 and "确认完成须说明完成情况" in empty.text
    ok = web.post(
        f"/supervision/checkpoints/{first}",
        data={"csrf_token": csrf, "action": "done", "note": "验收通过", "back": back},
    )
    assert ok.status_code == 303 and ok.headers["location"] == back
    assert "验收通过" in web.get(back).text
    reminders = web.get("/supervision/reminders").text
    assert "节点逾期" in reminders and "/supervision/checkpoints" in reminders


def test_briefing_and_ledger_export_list_checkpoints(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = _confirmed(database)
    body = {"jurisdiction_code": "140521", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    made = api.post("/api/v1/supervision/briefings", json=body, headers={"Idempotency-Key": "b"})
    doc = Document(io.BytesIO(api.get(made.json()["docx"]).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "时间节点“基本完成改造任务”（二/（一） 推进老旧小区改造；到期：2024-12-31）未确认完成"
        in text
    )
    sheet = load_workbook(io.BytesIO(api.get("/api/v1/supervision/ledger.xlsx").content))[
        "时间节点"
    ]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == briefings.CHECKPOINT_HEADER and len(rows) == 5
    assert rows[1][2:7] == (
        "二/（一）",
        "推进老旧小区改造",
        "基本完成改造任务",
        "2024-12-31",
        "已过期未完成",
    )
