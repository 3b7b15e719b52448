"""An upload that waits for the SQLite write lock must not stop the server.

The upload endpoints are plain ``def`` endpoints (``web/kit/uploads.py``): the body is
received on the event loop, and the database work — the Idempotency-Key claim first — runs
in a worker thread. As ``async def`` endpoints they claimed the key on the loop, so while
another connection held the lock no other request was served, and the holder's own commit
(scheduled by the loop) could not run: the two waited on each other until the busy timeout
(the page-auth case is tests/web/test_page_auth_off_loop.py).

Here a bearer token already in the process's cache posts a catalogue file (its permission
is answered on the loop with no query) while a second connection holds the lock; a static
file must still be served before the lock is let go, and the upload must answer once it is.
Every route that takes a file is checked to be a plain ``def``.
"""

from __future__ import annotations

import inspect
import sqlite3
import threading

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient

from app_routes import all_routes
from builders import api_client, world
from huanxin.db import Database
from huanxin.web.kit import forms

CSV = (
    "品类代码,品牌,型号,能效等级,指导价（元）,有效期起,有效期止\n"
    "refrigerator,本县品牌,HOME-1,1,3999.00,2025-01-01,\n"
).encode()


@pytest.fixture
def office(sqlite_db: Database) -> TestClient:
    world(sqlite_db, ("office", "140521"))
    return api_client(sqlite_db, "office.140521")


def test_an_upload_waiting_for_the_lock_leaves_the_server_serving(
    sqlite_db: Database, office: TestClient
) -> None:
    with office:  # one event loop for every request of the block, as under uvicorn
        assert office.get("/api/v1/claims").status_code == 200  # token cached
        holder = sqlite3.connect(sqlite_db.engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        answers: dict[str, int] = {}

        def upload() -> None:
            files = {"file": ("catalogue.csv", CSV, "text/csv")}
            r = office.post(
                "/api/v1/catalogue/import", files=files, headers={"Idempotency-Key": "u-1"}
            )
            answers["upload"] = r.status_code

        poster = threading.Thread(target=upload)
        poster.start()
        try:
            poster.join(0.5)  # the upload is now waiting for the lock
            static = office.get("/static/app.css")
            assert static.status_code == 200 and poster.is_alive()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        poster.join(60)
        assert answers == {"upload": 200}


def test_every_route_taking_a_file_runs_off_the_loop() -> None:
    takers = [(path, r) for path, r in all_routes() if _takes_a_file(r.dependant)]
    assert len(takers) >= 20  # the walk sees them (API and pages)
    assert [path for path, r in takers if inspect.iscoroutinefunction(r.endpoint)] == []


def _takes_a_file(dependant: Dependant) -> bool:
    """A file parameter, or the posted form (``kit.Posted``) that may carry one."""
    files = any("UploadFile" in str(p.field_info.annotation) for p in dependant.body_params)
    return (
        files or dependant.call is forms.posted or any(map(_takes_a_file, dependant.dependencies))
    )
