"""Public pages (no login): programmes with worked examples from the policy engine, the
office's Q&A and cases, merchants and recycling points; and each unit's inbox."""

from __future__ import annotations

from tests.supervision.test_sv_meetings import post, setup_meeting

import builders
from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.policy import service as policies

API = "/api/v1/supervision"


def test_public_pages_without_login(database: Database, sv_world: dict[str, int]) -> None:
    with database.unit_of_work() as session:
        policies.sync_dir(session, SYSTEM)
    api = builders.api_client(database, "office.140521")
    qa = {
        "jurisdiction_code": "140521",
        "kind": "qa",
        "title": "外地户籍能否享受县级补贴？",
        "body": "县级加码补贴仅限本县户籍居民。",
    }
    r = post(api, "/public-items", qa, "q1")
    assert r.status_code == 201 and r.json()["kind_label"] == "问答"
    case = dict(qa, kind="case", title="张女士以旧换新购买一级能效空调", body="共获补贴1499.75元。")
    case_id = post(api, "/public-items", case, "q2").json()["id"]
    bad = dict(qa, kind="rumour")
    assert post(api, "/public-items", bad, "q3").json()["message"].startswith("内容类型：")
    anon = builders.client(database)
    assert "沁水县" in anon.get("/public/").text
    page = anon.get("/public/140521/")
    assert page.status_code == 200, page.text
    assert "购买空调，售价5,999元，1级能效" in page.text
    assert "外地户籍能否享受县级补贴？" in anon.get("/public/140521/qa").text
    assert "张女士" in anon.get("/public/140521/cases").text
    post(api, f"/public-items/{case_id}/withdraw", {}, "w1")
    assert "张女士" not in anon.get("/public/140521/cases").text
    assert anon.get("/public/140521/places").status_code == 200
    assert anon.get("/public/999999/").status_code == 404


def test_inbox_for_department_and_office(database: Database, sv_world: dict[str, int]) -> None:
    api, meeting = setup_meeting(database, sv_world)
    decision = {
        "kind": "new_task",
        "text": "开展家电促销",
        "department_id": sv_world["县商务局"],
        "deadline": "2026-12-31",
    }
    post(api, f"/meetings/{meeting['id']}/decisions", decision, "d1")
    dept = builders.api_client(database, "department.140521")
    esc = {
        "jurisdiction_code": "140521",
        "title": "回收网点用地",
        "level": "province",
        "ask": "请省级支持",
        "addressee": "省商务厅",
    }
    post(dept, "/escalations", esc, "p1")
    mine = dept.get(f"{API}/inbox").json()
    assert {"台账提醒", "需上级支持事项"} <= {i["kind_label"] for i in mine}
    assert any("开展家电促销" in i["title"] for i in mine)
    office = api.get(f"{API}/inbox").json()
    assert [i["detail"] for i in office if i["title"] == "回收网点用地"] == ["部门提出，待审核报送"]
    web = builders.web_client(database, "department.140521")
    assert "本单位待办" in web.get("/supervision/inbox").text
    assert "专班待办" in web.get("/").text
