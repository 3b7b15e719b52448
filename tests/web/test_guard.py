"""The edge guard: body limits (413) and forbidden characters (422 naming the field), on the
API and on pages, with nothing stored."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select

import builders
from huanxin.app import create_app
from huanxin.core.models import Jurisdiction
from huanxin.db import Database


def _jurisdictions(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Jurisdiction)) or 0


def test_control_characters_in_query_and_path_are_refused(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    api = builders.api_client(database, "office.140521")
    r = api.get("/api/v1/claims?state=a%00b")
    assert r.status_code == 422
    assert r.json()["field"] == "state" and "控制字符" in r.json()["message"]
    assert "Value error" not in r.text and "http" not in r.json()["message"]
    r = api.get("/api/v1/jurisdictions/14%1b0521")
    assert r.status_code == 422 and r.json()["field"] == "path"
    assert api.get("/api/v1/claims?state=submitted").status_code == 200


def test_bidi_override_in_json_and_form_is_refused_and_nothing_stored(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    before = _jurisdictions(database)
    api = builders.api_client(database, "admin.140000")
    body = {"code": "140522", "name": "阳城\u202e县", "level": "county", "parent_code": "140500"}
    r = api.post("/api/v1/jurisdictions", json=body, headers={"Idempotency-Key": "g-1"})
    assert r.status_code == 422 and r.json()["field"] == "name", r.text
    assert "方向控制字符" in r.json()["message"]
    web = builders.web_client(database, "admin.140000")
    csrf = web.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {**body, "name": "阳城\x07县", "csrf_token": csrf}
    r = web.post("/admin/jurisdictions", data=form)
    assert r.status_code == 422 and "控制字符" in r.text and "<html" in r.text
    assert _jurisdictions(database) == before


def test_bodies_beyond_the_limits_answer_413(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    before = _jurisdictions(database)
    settings = builders.settings_for(database)
    small = type(settings)(
        **{**settings.__dict__, "max_body_bytes": 2048, "max_upload_bytes": 4096}
    )
    api = TestClient(create_app(small, database=database))
    api.headers["Authorization"] = "Bearer " + builders.token_for(database, "admin.140000")
    big = {"code": "140522", "name": "阳城县", "level": "county", "parent_code": "1" * 3000}
    r = api.post("/api/v1/jurisdictions", json=big, headers={"Idempotency-Key": "g-2"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert "上限 2 KB" in r.json()["message"]

    def chunks():  # no Content-Length: the guard counts what arrives
        yield json.dumps(big).encode()

    r = api.post(
        "/api/v1/jurisdictions",
        content=chunks(),
        headers={"Idempotency-Key": "g-3", "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    files = {"file": ("x.xlsx", b"0" * 5000, "application/octet-stream")}
    r = api.post("/api/v1/catalogue/import", files=files, headers={"Idempotency-Key": "g-4"})
    assert r.status_code == 413
    assert _jurisdictions(database) == before
