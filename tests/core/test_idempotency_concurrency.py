"""Idempotent replays under concurrency, on SQLite and PostgreSQL.

A real server (two uvicorn worker processes) is first killed with SIGKILL right after it
claimed a key: the retry with that key then runs the sale itself (the claim died with its
transaction). Then 20 identical redemptions with one key are released at once: exactly one
claim exists afterwards, and every answer is the stored 201 (replayed with the header) or
409 ``request_in_progress`` — never a different outcome.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from huanxin.claims import sales_world
from huanxin.claims.models import Claim
from huanxin.core import idempotency
from huanxin.core.models import IdempotencyRecord
from huanxin.db import Database

DUPLICATES = 20
KEY = "till-7-sale-0001"
STARTUP_SECONDS = 180


def _sale(code: str, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "product_model": f"BENCH-{category}",
        "device_serial": "DUP000001",
        "price_fen": sales_world.PRICE_FEN,
        "purchase_date": sales_world.PURCHASE.isoformat(),
        "grade": 1,
        "invoice_no": sales_world.invoice(1),
        "quota_code": code,
    }


def _post(base: str, token: str, body: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": KEY}
    return httpx.post(base + "/api/v1/redemptions", json=body, headers=headers, timeout=60)


@contextmanager
def _server(url: str, workers: int, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real server; a loaded 2-core machine can take long to start two workers."""
    port = sales_world.free_port()
    proc = sales_world.start_server(url, port, workers=workers, **env)
    base = f"http://127.0.0.1:{port}"
    try:
        sales_world.wait_ready(base, proc, timeout=STARTUP_SECONDS)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def _crash_after_claim(url: str, token: str, body: dict[str, Any]) -> None:
    with _server(url, 1, HUANXIN_CRASH_AT="idempotency.claimed") as (base, proc):
        with pytest.raises(httpx.HTTPError):
            _post(base, token, body)
        assert proc.wait(30) == -signal.SIGKILL


def _storm(base: str, token: str, body: dict[str, Any]) -> list[httpx.Response]:
    barrier = threading.Barrier(DUPLICATES)

    def send(_: int) -> httpx.Response:
        barrier.wait()
        return _post(base, token, body)

    with ThreadPoolExecutor(DUPLICATES) as pool:
        return list(pool.map(send, range(DUPLICATES)))


@pytest.mark.slow
def test_crash_then_simultaneous_duplicates_have_one_outcome(database: Database) -> None:
    loaded = sales_world.load(database.url, "hot_pool", quotas=1)
    code, category = loaded.quotas[0]
    body = _sale(code, category)
    _crash_after_claim(database.url, loaded.token, body)
    with database.sessions() as session:  # the crash left no claim and no pending key
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
        assert session.scalar(select(func.count()).select_from(Claim)) == 0

    with _server(database.url, 2) as (base, _proc):
        answers = _storm(base, loaded.token, body)

    kinds = Counter(
        (r.status_code, r.json()["code"] if r.status_code == 409 else "stored") for r in answers
    )
    assert set(kinds) <= {(201, "stored"), (409, "request_in_progress")}, kinds
    stored = [r for r in answers if r.status_code == 201]
    assert stored, kinds
    assert len({json.dumps(r.json(), sort_keys=True) for r in stored}) == 1
    fresh = [r for r in stored if r.headers.get("Idempotent-Replayed") != "true"]
    assert len(fresh) == 1  # the one that did the work; the others replayed it
    for r in answers:
        if r.status_code == 409:
            assert int(r.headers["Retry-After"]) >= 1
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 1
        record = session.scalars(select(IdempotencyRecord)).one()
        assert record.status == 201
        assert json.loads(record.body) == stored[0].json()


def test_duplicate_in_flight_gets_request_in_progress_then_the_replay(pg_db: Database) -> None:
    """PostgreSQL: a duplicate waits at most ``wait_seconds`` for the first transaction."""
    started, release = threading.Event(), threading.Event()

    def slow_action() -> tuple[int, object]:
        started.set()
        assert release.wait(30)
        return 201, {"done": 1}

    def first() -> idempotency.Outcome:
        with pg_db.unit_of_work() as session:
            return idempotency.run(
                session,
                actor_user_id=5,
                key="k",
                scope="s",
                payload={},
                action=slow_action,
                wait_seconds=5,
            )

    never = lambda: (500, {"ran": "twice"})  # noqa: E731
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(first)
        assert started.wait(30)
        with pytest.raises(idempotency.RequestInProgress) as refused, pg_db.unit_of_work() as s:
            idempotency.run(
                s, actor_user_id=5, key="k", scope="s", payload={}, action=never, wait_seconds=0.2
            )
        assert refused.value.headers() == {"Retry-After": "1"}
        release.set()
        assert future.result() == idempotency.Outcome(201, {"done": 1}, replayed=False)
    with pg_db.unit_of_work() as session:
        again = idempotency.run(
            session, actor_user_id=5, key="k", scope="s", payload={}, action=never, wait_seconds=0.2
        )
    assert again == idempotency.Outcome(201, {"done": 1}, replayed=True)


def test_failed_first_request_leaves_the_key_free(database: Database) -> None:
    def failing() -> tuple[int, object]:
        raise idempotency.KeyReused("模拟失败")

    with pytest.raises(idempotency.KeyReused), database.unit_of_work() as session:
        idempotency.run(session, actor_user_id=1, key="k", scope="s", payload={}, action=failing)
    with database.unit_of_work() as session:
        outcome = idempotency.run(
            session,
            actor_user_id=1,
            key="k",
            scope="s",
            payload={},
            action=lambda: (201, {"ok": True}),
        )
    assert outcome == idempotency.Outcome(201, {"ok": True}, replayed=False)
    with pytest.raises(idempotency.KeyReused), database.unit_of_work() as session:
        idempotency.run(
            session,
            actor_user_id=1,
            key="k",
            scope="s",
            payload={"other": 1},
            action=lambda: (201, {}),
        )
