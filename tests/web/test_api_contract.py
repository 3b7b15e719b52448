"""The API's contract in ``/api/openapi.json``: every operation declares a typed success
response and the error responses it can answer, and the error codes are published.

A new route fails here until it returns a response model (``-> XRead``, ``-> list[XRead]``)
or declares its file download (``response_class=Response, responses=download(...)``); see ARCHITECTURE.md "API
contract". ``UNTYPED`` lists the operations not converted yet: it may only shrink.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import builders
from huanxin.app import create_app
from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.policy import service as policies

JSON = "application/json"
UNTYPED: set[str] = set()


@cache
def _schema() -> dict[str, Any]:
    app = create_app(builders.settings_for(Database("sqlite://")), database=Database("sqlite://"))
    schema: dict[str, Any] = app.openapi()
    return schema


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in _schema()["paths"].items()
        if path.startswith("/api/")
        for method, op in item.items()
    ]


def _typed(schema: dict[str, Any]) -> bool:
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    return schema.get("type") in {"string", "integer", "number", "boolean"}


def _typed_success(op: dict[str, Any]) -> bool:
    answers = [a for s, a in op["responses"].items() if s.startswith("2")]
    contents = [c for a in answers for c in a.get("content", {}).items()]
    return bool(contents) and all(
        _typed(media.get("schema", {})) or kind != JSON for kind, media in contents
    )


def test_every_operation_has_a_typed_success_response() -> None:
    operations = _operations()
    assert len(operations) > 150
    untyped = {f"{m} {p}" for m, p, op in operations if not _typed_success(op)}
    assert untyped - UNTYPED == set(), "declare a response model on these operations"
    assert UNTYPED - untyped == set(), "typed now: remove them from UNTYPED"


def test_schema_names_are_unique_across_domains() -> None:
    """Two domains' models of one name make FastAPI publish both under module paths
    (``huanxin__equipment__schemas__BaselineRead``): a client's generated code reads badly."""
    names = [n for n in _schema()["components"]["schemas"] if n.startswith("huanxin__")]
    assert names == [], "rename one of each pair of same-named models"


def test_every_operation_documents_its_error_responses() -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    missing = []
    for method, path, op in _operations():
        needed = {"422", "503"} | ({"409"} if method != "GET" else set())
        needed |= {"404"} if "{" in path else set()
        for status in needed:
            answer = op["responses"].get(status, {})
            if answer.get("content", {}).get(JSON, {}).get("schema") != error_ref:
                missing.append(f"{method} {path} {status}")
    assert missing == []
    login = _schema()["paths"]["/api/v1/ledger/pools"]["get"]["responses"]
    assert {"401", "403"} <= set(login)


def test_error_codes_are_published_per_domain() -> None:
    schemas = _schema()["components"]["schemas"]
    refs = {
        r["$ref"].rsplit("/", 1)[1] for r in schemas["ErrorBody"]["properties"]["code"]["anyOf"]
    }
    assert {"CoreErrorCode", "LedgerErrorCode"} <= refs
    assert "pool_exists" in schemas["LedgerErrorCode"]["enum"]
    assert "PoolExists (409)" in schemas["LedgerErrorCode"]["description"]
    assert "invalid_input" in schemas["CoreErrorCode"]["enum"]


def test_idempotent_route_stores_and_replays_its_response_model(database: Database) -> None:
    builders.world(database, ("finance", "140521"))
    with database.unit_of_work() as session:  # a pool is opened for a programme applying here
        policies.sync_dir(session, SYSTEM)
    api = builders.api_client(database, "finance.140521")
    body = {
        "programme_id": "cn.appliance",
        "layer": "county",
        "jurisdiction_code": "140521",
        "period_year": 2026,
        "name": "契约测试池",
        "shards": 2,
    }
    first = api.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "c-1"})
    again = api.post("/api/v1/ledger/pools", json=body, headers={"Idempotency-Key": "c-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and first.json()["balances"]["allocated_fen"] == 0
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = api.post(
        "/api/v1/ledger/pools", json={**body, "name": "另一个"}, headers={"Idempotency-Key": "c-1"}
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    pools = [
        p for p in api.get("/api/v1/ledger/pools").json() if p["programme_id"] == "cn.appliance"
    ]
    assert len(pools) == 1
    missing = api.post("/api/v1/ledger/pools", json=body)
    assert missing.status_code == 422 and missing.json()["field"] == "Idempotency-Key"
