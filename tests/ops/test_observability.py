"""Health, readiness, metrics with their allow-list, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import text

import builders
import tradein
from huanxin.app import create_app
from huanxin.db import Database
from huanxin.ops import logs
from huanxin.web.deps import public

LOCAL = ("127.0.0.1", 50000)


def _client(db: Database, peer: tuple[str, int] = LOCAL) -> TestClient:
    app = create_app(builders.settings_for(db), database=db)
    boom = APIRouter(dependencies=[Depends(public)])

    @boom.get("/boom")
    @boom.get("/api/boom")
    def _boom() -> None:
        raise RuntimeError("unexpected 110101199003074477")

    app.include_router(boom)
    return TestClient(app, client=peer, raise_server_exceptions=False, follow_redirects=False)


def test_health_and_readiness(database: Database) -> None:
    c = _client(database)
    assert c.get("/healthz").json() == {"status": "ok"}
    ready = c.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ok": True, "database": "ok", "migrations": "at head"}


def test_readiness_fails_when_a_migration_is_missing(sqlite_db: Database) -> None:
    c = _client(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0800'"))
    try:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.json()["migrations"] == "pending: 0800"
    finally:
        with sqlite_db.engine.begin() as conn:
            conn.execute(text("INSERT INTO alembic_version VALUES ('0800')"))


def test_metrics_count_requests_and_redemptions_and_pools(database: Database) -> None:
    tradein.setup(database, amount_fen=1_000_000)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code="NOPE0000"),
        headers={"Idempotency-Key": "m1"},
    )
    assert r.status_code >= 400
    code = r.json()["code"]
    body = _client(database).get("/metrics").text
    assert f'huanxin_redemptions_total{{outcome="{code}"}}' in body
    assert 'route="/api/v1/redemptions"' in body
    assert "huanxin_http_request_duration_seconds_bucket" in body
    assert 'huanxin_pool_available_fen{jurisdiction="140521",layer="central"' in body


def test_metrics_refused_outside_the_allow_list(sqlite_db: Database) -> None:
    r = _client(sqlite_db, ("192.0.2.7", 1234)).get("/metrics")
    assert r.status_code == 403
    assert "huanxin_" not in r.text


def test_request_id_is_echoed_or_made_and_shown_on_error_pages(sqlite_db: Database) -> None:
    c = _client(sqlite_db)
    assert (
        c.get("/healthz", headers={"X-Request-ID": "abc12345-nginx"}).headers["x-request-id"]
        == "abc12345-nginx"
    )
    made = c.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert len(made) == 32 and made.isalnum()
    page = c.get("/boom", headers={"X-Request-ID": "citizen-quotes-this"})
    assert page.status_code == 500
    assert "citizen-quotes-this" in page.text and "请求编号" in page.text
    assert page.headers["x-request-id"] == "citizen-quotes-this"
    api = c.get("/api/boom")
    assert api.status_code == 500 and api.json()["request_id"] == api.headers["x-request-id"]


def test_logs_are_json_with_request_id_and_no_personal_data(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure()
    try:
        c = _client(sqlite_db)
        c.get("/boom", headers={"X-Request-ID": "trace-me-123"})
    finally:
        logging.getLogger().handlers[:] = []
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    mine = [line for line in lines if line.get("request_id") == "trace-me-123"]
    events = {line["event"] for line in mine}
    assert {"http.unhandled", "http.request"} <= events
    assert all("110101199003074477" not in json.dumps(line) for line in lines)
    assert any("[resident_id]" in json.dumps(line, ensure_ascii=False) for line in mine)


def test_readiness_names_an_unreachable_database() -> None:
    from huanxin.ops.health import readiness

    db = Database("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        state = readiness(db)
    finally:
        db.dispose()
    assert state.as_dict() == {
        "ok": False,
        "database": "unreachable: OperationalError",
        "migrations": "unknown",
    }
