"""A plan file imported twice for one jurisdiction is refused with a link to the first
import (API and page), and the task ledger is not doubled."""

from __future__ import annotations

import builders
from huanxin.db import Database


def _post(api: builders.TestClient, content: bytes, key: str, code: str = "140521") -> object:
    return api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": code},
        files={"file": ("plan.txt", content)},
        headers={"Idempotency-Key": key},
    )


def test_same_file_twice_is_refused_with_link(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api = builders.api_client(database, "office.140521")
    first = _post(api, plan_text, "dup-1")
    assert first.status_code in (200, 201), first.text
    plan_id = first.json()["id"]
    second = _post(api, plan_text, "dup-2")
    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "plan_already_imported"
    assert body["plan_id"] == plan_id
    assert body["link"] == f"/supervision/plans/{plan_id}"
    assert "不能重复导入" in body["message"]
    assert [p["id"] for p in api.get("/api/v1/supervision/plans").json()] == [plan_id]


def test_changed_file_is_a_new_plan(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api = builders.api_client(database, "office.140521")
    assert _post(api, plan_text, "v1").status_code in (200, 201)
    revised = plan_text + "\n（修订）".encode()
    assert _post(api, revised, "v2").status_code in (200, 201)
    assert len(api.get("/api/v1/supervision/plans").json()) == 2


def test_page_shows_refusal_and_link(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    web = builders.web_client(database, "office.140521")
    pages = []
    for _ in range(2):
        home = web.get("/supervision")
        csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
        pages.append(
            web.post(
                "/supervision/plans",
                data={"csrf_token": csrf, "jurisdiction_code": "140521"},
                files={"file": ("plan.txt", plan_text)},
            )
        )
    assert pages[0].status_code == 303
    plan_link = pages[0].headers["location"]
    assert pages[1].status_code == 409
    assert "不能重复导入" in pages[1].text
    assert f'href="{plan_link}"' in pages[1].text
