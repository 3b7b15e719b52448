"""A scope refusal that a page catches and shows in its form is audited as a denial too."""

from __future__ import annotations

import json

from sqlalchemy import select

import builders
from huanxin.core.models import AuditEntry
from huanxin.db import Database


def _denials(db: Database) -> list[dict[str, object]]:
    with db.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied"))
        return [json.loads(row.detail or "{}") for row in rows]


def test_a_refusal_shown_in_a_page_form_is_audited(database: Database) -> None:
    builders.world(database, ("admin", "140521"))
    web = builders.web_client(database, "admin.140521")
    csrf = web.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {
        "code": "140599",
        "name": "测试县",
        "level": "county",
        "parent_code": "140500",
        "csrf_token": csrf,
    }
    r = web.post("/admin/jurisdictions", data=form)
    assert r.status_code == 403 and "上级区划不在您的管辖范围内" in r.text
    denials = _denials(database)
    assert [d["reason"] for d in denials] == ["outside_jurisdiction"], denials
    assert denials[0]["code"] == "outside_jurisdiction"


def test_an_api_refusal_is_audited_once(database: Database) -> None:
    builders.world(database, ("admin", "140521"))
    api = builders.api_client(database, "admin.140521")
    body = {"code": "140599", "name": "测试县", "level": "county", "parent_code": "140500"}
    r = api.post("/api/v1/jurisdictions", json=body, headers={"Idempotency-Key": "ra-1"})
    assert r.status_code == 403, r.text
    assert len(_denials(database)) == 1
