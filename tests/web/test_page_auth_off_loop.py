"""A page request that waits for the SQLite write lock must not stop the server.

Every SQLite transaction begins with ``BEGIN IMMEDIATE``, so reading the logged-in user
waits while another request holds the lock. Pages resolve their user in an ``async``
dependency; when that read ran on the event loop it froze the loop for up to the busy
timeout (30 s), and the request holding the lock could not commit — its commit is scheduled
by the loop — so the two waited on each other. In chromium this was the pool page's pause
form posting while the page's burn chart was still loading: the post answered 503 after
30 s and the page had no ``#sales-state`` (issue 17's by-hand pause test).

Here a second connection holds the lock while a page request waits; a static file must
still be served before the lock is let go, and the page must answer once it is.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from fastapi.testclient import TestClient

from builders import PASSWORD, client, world
from huanxin.db import Database


@pytest.fixture
def office(sqlite_db: Database) -> TestClient:
    world(sqlite_db, ("office", "140521"))
    return client(sqlite_db)


def test_a_page_waiting_for_the_lock_leaves_the_server_serving(
    sqlite_db: Database, office: TestClient
) -> None:
    with office:  # one event loop for every request of the block, as under uvicorn
        login = {"username": "office.140521", "password": PASSWORD, "next": "/"}
        assert office.post("/login", data=login).status_code == 303
        holder = sqlite3.connect(sqlite_db.engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        answers: dict[str, int] = {}
        page = threading.Thread(target=lambda: answers.update(page=office.get("/").status_code))
        page.start()
        try:
            page.join(0.5)  # the page request is now waiting for the lock
            static = office.get("/static/app.css")
            assert static.status_code == 200 and page.is_alive()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        page.join(60)
        assert answers == {"page": 200}
