"""Joint meeting, working groups, seats with dated changes, a group's task list (API, both
databases), and the refusals that leave nothing behind."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.supervision.test_sv_api import confirmed, task_id

import builders
from huanxin.db import Database
from huanxin.supervision.mechanism_models import Body, Seat

API = "/api/v1/supervision"


def post(api: TestClient, path: str, body: dict[str, Any], key: str) -> Any:
    return api.post(API + path, json=body, headers={"Idempotency-Key": key})


def joint_meeting(api: TestClient, ids: dict[str, int]) -> dict[str, Any]:
    r = post(
        api,
        "/bodies",
        {
            "jurisdiction_code": "140521",
            "kind": "joint_meeting",
            "name": "沁水县以旧换新工作联席会议",
        },
        "b1",
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_joint_meeting_seats_and_a_dated_change(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    body = joint_meeting(api, sv_world)
    seat = {
        "department_id": sv_world["县发改局"],
        "role": "convener",
        "person_name": "王建国",
        "post": "副县长",
        "start_on": "2026-11-01",
    }
    r = post(api, f"/bodies/{body['id']}/seats", seat, "s1")
    assert r.status_code == 201, r.text
    again = post(api, f"/bodies/{body['id']}/seats", seat, "s1")
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert count(database, Seat) == 1
    member = {
        "department_id": sv_world["县商务局"],
        "role": "member",
        "person_name": "李明",
        "start_on": "2026-11-01",
    }
    seats = post(api, f"/bodies/{body['id']}/seats", member, "s2").json()["seats"]
    assert [(s["department"], s["role_label"]) for s in seats] == [
        ("县发改局", "召集人"),
        ("县商务局", "成员"),
    ]
    # the department reports its own change of person; history keeps both rows
    dept = builders.api_client(database, "department.140521")
    mine = next(s["id"] for s in seats if s["department"] == "县商务局")
    change = {"person_name": "赵强", "on": "2026-11-20", "note": "人事调整"}
    r = post(dept, f"/seats/{mine}/change", change, "c1")
    assert r.status_code == 200, r.text
    rows = [
        (s["person_name"], s["start_on"], s["end_on"])
        for s in r.json()["seats"]
        if s["department"] == "县商务局"
    ]
    assert rows == [("李明", "2026-11-01", "2026-11-20"), ("赵强", "2026-11-20", None)]
    # another unit's seat is not the department's to change
    convener = next(s["id"] for s in seats if s["department"] == "县发改局")
    r = post(dept, f"/seats/{convener}/change", change, "c2")
    assert r.status_code == 403 and r.json()["field"] == "seat_id"
    # an ended seat cannot change again
    r = post(api, f"/seats/{mine}/change", change, "c3")
    assert r.status_code == 409


def test_working_group_keeps_its_own_task_list(
    database: Database, sv_world: dict[str, int]
) -> None:
    api, _ = confirmed(database, sv_world)
    parent = joint_meeting(api, sv_world)
    group = {
        "jurisdiction_code": "140521",
        "kind": "working_group",
        "name": "消费品以旧换新组",
        "parent_id": parent["id"],
        "lead_department_id": sv_world["县商务局"],
    }
    r = post(api, "/bodies", group, "g1")
    assert r.status_code == 201 and r.json()["lead_department"] == "县商务局"
    gid = r.json()["id"]
    r = post(api, f"/bodies/{gid}/tasks", {"task_id": task_id(api, "二/（一）")}, "t1")
    assert r.status_code == 200, r.text
    assert [t["ref"] for t in api.get(f"{API}/bodies/{gid}/tasks").json()] == ["二/（一）"]


def test_bad_input_names_the_field_and_stores_nothing(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    r = post(
        api,
        "/bodies",
        {"jurisdiction_code": "140521", "kind": "working_group", "name": "无上级小组"},
        "x1",
    )
    assert r.status_code == 422 and r.json()["field"] == "parent_id"
    r = post(
        api, "/bodies", {"jurisdiction_code": "140521", "kind": "committee", "name": "x"}, "x2"
    )
    assert r.status_code == 422 and r.json()["message"].startswith("机构类型：")
    r = post(
        api,
        "/bodies",
        {"jurisdiction_code": "140521", "kind": "joint_meeting", "name": "名" * 129},
        "x3",
    )
    assert r.status_code == 422 and r.json()["message"] == "名称：长度超出限制（最多 128 个字符）"
    body = joint_meeting(api, sv_world)
    seat = {"department_id": 999999, "role": "member", "person_name": "某人"}
    r = post(api, f"/bodies/{body['id']}/seats", seat, "x4")
    assert r.status_code == 422 and r.json()["field"] == "department_id"
    assert count(database, Body) == 1 and count(database, Seat) == 0
    other = builders.api_client(database, "office.371525")
    assert other.get(f"{API}/bodies/{body['id']}").status_code == 404


def test_pages_create_a_body_and_refuse_in_the_form(
    database: Database, sv_world: dict[str, int]
) -> None:
    web = builders.web_client(database, "office.140521")
    page = web.get("/supervision/bodies")
    assert page.status_code == 200 and "尚未设立联席会议" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {
        "csrf_token": token,
        "jurisdiction_code": "140521",
        "kind": "working_group",
        "name": "设备更新组",
    }
    r = web.post("/supervision/bodies", data=form)
    assert r.status_code == 422 and "工作小组须隶属于一个联席会议" in r.text
    assert 'value="设备更新组"' in r.text  # the form is kept
    form.update(kind="joint_meeting", name="联席会议")
    r = web.post("/supervision/bodies", data=form)
    assert r.status_code == 303
    page = web.get(r.headers["location"])
    assert page.status_code == 200 and "增加成员" in page.text
