"""Meetings with a ledger-drawn agenda, attendance, decisions that become or close tasks,
minutes as .docx; escalations proposed by a department, sent, answered, closed (API, both
databases)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.supervision.test_sv_api import confirmed, task_id

import builders
from huanxin.db import Database
from huanxin.supervision.mechanism_models import Decision, Meeting
from huanxin.supervision.models import Task

API = "/api/v1/supervision"


def post(api: TestClient, path: str, body: dict[str, Any], key: str) -> Any:
    return api.post(API + path, json=body, headers={"Idempotency-Key": key})


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def setup_meeting(db: Database, ids: dict[str, int]) -> tuple[TestClient, dict[str, Any]]:
    api, _ = confirmed(db, ids)
    r = post(
        api,
        "/bodies",
        {"jurisdiction_code": "140521", "kind": "joint_meeting", "name": "联席会议"},
        "b1",
    )
    body = r.json()
    for i, name in enumerate(["县发改局", "县商务局"]):
        post(
            api,
            f"/bodies/{body['id']}/seats",
            {"department_id": ids[name], "role": "member", "person_name": f"成员{i}"},
            f"s{i}",
        )
    # an overdue task and an open escalation make the agenda
    overdue = task_id(api, "二/（三）")
    r = post(api, f"/tasks/{overdue}", {"deadline": "2026-01-31", "schedule": "monthly"}, "t1")
    assert r.status_code == 200, r.text
    esc = {
        "jurisdiction_code": "140521",
        "title": "报废汽车回收资质审批",
        "level": "province",
        "ask": "请省商务厅加快审批",
        "addressee": "省商务厅",
    }
    assert post(api, "/escalations", esc, "e1").json()["state"] == "submitted"
    r = post(
        api,
        "/meetings",
        {
            "body_id": body["id"],
            "kind": "plenary",
            "held_on": "2026-11-10",
            "title": "第一次全体会议",
            "topics": ["部署年度工作"],
        },
        "m1",
    )
    assert r.status_code == 201, r.text
    return api, r.json()


def test_meeting_agenda_decisions_and_minutes(database: Database, sv_world: dict[str, int]) -> None:
    api, meeting = setup_meeting(database, sv_world)
    assert [a["source"] for a in meeting["agenda"]] == ["overdue_task", "escalation", "custom"]
    assert meeting["agenda"][1]["title"] == "需上级支持事项：报废汽车回收资质审批"
    mid = meeting["id"]
    r = post(
        api,
        f"/meetings/{mid}/attendance",
        {
            "entries": [
                {"department_id": sv_world["县发改局"], "person_name": "成员0"},
                {"department_id": sv_world["县商务局"], "present": False},
            ]
        },
        "a1",
    )
    assert [a["present"] for a in r.json()["attendance"]] == [True, False]
    decision = {
        "kind": "new_task",
        "text": "县商务局牵头开展家电以旧换新进社区活动",
        "department_id": sv_world["县商务局"],
        "deadline": "2026-12-31",
    }
    r = post(api, f"/meetings/{mid}/decisions", decision, "d1")
    assert r.status_code == 200, r.text
    made = r.json()["decisions"][0]
    assert made["department"] == "县商务局" and made["task_id"]
    task = api.get(f"{API}/tasks/{made['task_id']}").json()
    assert task["lead_units"] == ["县商务局"] and task["deadline"] == "2026-12-31"
    assert task["ref"] == "20261110会议第1项"
    # the department sees the assigned task in its own ledger
    dept = builders.api_client(database, "department.140521")
    assert made["task_id"] in [t["id"] for t in dept.get(f"{API}/tasks").json()]
    close = {
        "kind": "close_task",
        "text": "汽车以旧换新任务已完成",
        "task_id": task_id(api, "二/（一）"),
    }
    assert post(api, f"/meetings/{mid}/decisions", close, "d2").status_code == 200
    assert api.get(f"{API}/tasks/{close['task_id']}").json()["closing"] == "closed"
    r = post(api, f"/meetings/{mid}/hold", {"minutes": "会议听取了各成员单位汇报。"}, "h1")
    assert r.json()["state_label"] == "已召开"
    assert post(api, f"/meetings/{mid}/hold", {"minutes": "再次"}, "h2").status_code == 409
    r = api.get(f"{API}/meetings/{mid}/minutes.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "第一次全体会议纪要" in text and "会议听取了各成员单位汇报。" in text
    cells = [
        c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells
    ]
    assert "县商务局牵头开展家电以旧换新进社区活动" in cells and "缺席" in cells


def test_decision_without_unit_or_deadline_is_refused_and_nothing_saved(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, meeting = setup_meeting(database, sv_world)
    tasks, decisions = count(database, Task), count(database, Decision)
    r = post(
        api,
        f"/meetings/{meeting['id']}/decisions",
        {"kind": "new_task", "text": "开展督导", "deadline": "2026-12-31"},
        "d1",
    )
    assert r.status_code == 422 and r.json()["field"] == "department_id"
    assert r.json()["code"] == "decision_without_unit"
    r = post(
        api,
        f"/meetings/{meeting['id']}/decisions",
        {"kind": "new_task", "text": "开展督导", "department_id": sv_world["县商务局"]},
        "d2",
    )
    assert r.status_code == 422 and r.json()["field"] == "deadline"
    r = post(api, f"/meetings/{meeting['id']}/decisions", {"kind": "new_task", "text": ""}, "d3")
    assert r.status_code == 422 and r.json()["message"] == "决定内容：长度不足"
    assert (count(database, Task), count(database, Decision)) == (tasks, decisions)
    other = builders.api_client(database, "office.371525")
    assert other.get(f"{API}/meetings/{meeting['id']}").status_code == 404
    assert count(database, Meeting) == 1


def test_department_proposes_escalation_office_sends_and_it_leaves_the_agenda(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    dept = builders.api_client(database, "department.140521")
    esc = {
        "jurisdiction_code": "140521",
        "title": "家电回收网点用地",
        "level": "nation",
        "ask": "请国家层面明确回收网点用地政策",
        "addressee": "商务部",
    }
    r = post(dept, "/escalations", esc, "p1")
    assert r.status_code == 201 and r.json()["state_label"] == "部门提出待审核"
    assert r.json()["department"] == "县商务局"
    eid = r.json()["id"]
    assert post(dept, f"/escalations/{eid}/review", {"send": True}, "r0").status_code == 403
    assert post(api, f"/escalations/{eid}/answer", {"answer": "x"}, "a0").status_code == 409
    assert post(api, f"/escalations/{eid}/review", {"send": True}, "r1").json()["submitted_on"]
    r = post(api, f"/escalations/{eid}/answer", {"answer": "已纳入研究", "on": "2026-11-25"}, "a1")
    assert r.json()["state"] == "answered" and r.json()["answered_on"] == "2026-11-25"
    assert [e["id"] for e in api.get(f"{API}/escalations?open_only=true").json()] == [eid]
    post(api, f"/escalations/{eid}/close", {"note": "已落实"}, "c1")
    assert api.get(f"{API}/escalations?open_only=true").json() == []
    # the department sees only its own matters
    assert [e["id"] for e in dept.get(f"{API}/escalations").json()] == [eid]


def test_meeting_pages_record_a_decision_and_refuse_one_without_unit(
    database: Database, sv_world: dict[str, int]
) -> None:
    _, meeting = setup_meeting(database, sv_world)
    web = builders.web_client(database, "office.140521")
    page = web.get(f"/supervision/meetings/{meeting['id']}")
    assert page.status_code == 200 and "需上级支持事项：报废汽车回收资质审批" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    url = f"/supervision/meetings/{meeting['id']}/decisions"
    r = web.post(
        url,
        data={
            "csrf_token": token,
            "kind": "new_task",
            "text": "开展督导",
            "deadline": "2026-12-31",
        },
    )
    assert r.status_code == 422 and "交办任务的会议决定必须指定责任单位" in r.text
    r = web.post(
        url,
        data={
            "csrf_token": token,
            "kind": "new_task",
            "text": "开展督导",
            "deadline": "2026-12-31",
            "department_id": str(sv_world["县商务局"]),
        },
    )
    assert r.status_code == 303
    assert "开展督导" in web.get(f"/supervision/meetings/{meeting['id']}").text
    assert web.get("/supervision/meetings").status_code == 200
    home = web.get("/supervision")
    assert home.status_code == 200 and "工作专班交办事项" in home.text
    plan = home.text.split("工作专班交办事项")[0].rsplit('href="/supervision/plans/', 1)[1]
    assert web.get("/supervision/plans/" + plan.split('"')[0]).status_code == 200
    assert "报废汽车回收资质审批" in web.get("/supervision/escalations").text
