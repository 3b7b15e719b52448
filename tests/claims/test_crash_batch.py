"""Crash test of the batched redemption path: the real server is killed with SIGKILL inside a
batch (money moved, not committed) and just after its commit, restarted, and sent the same
bulk request again. Each sale is applied exactly once, the retry after the commit is a
replay, and the ledger and the audit trail verify — on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from huanxin.claims import sales_world
from huanxin.claims.models import Claim, Quota
from huanxin.core import audit
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.ledger import service as ledger

pytestmark = pytest.mark.slow

POINTS = ["batch.reserved", "uow.after_commit"]
SALES = 3


def _serve(url: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = sales_world.free_port()
    proc = sales_world.start_server(url, port, **env)
    base = f"http://127.0.0.1:{port}"
    sales_world.wait_ready(base, proc, path="/static/app.css")  # no database transaction
    return proc, base


def _bulk(base: str, token: str, key: str, sales: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/redemptions/bulk",
        json={"sales": sales},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        timeout=60,
    )


def _sales(quotas: list[tuple[str, str]], first: int) -> list[dict[str, Any]]:
    return [
        {
            "category": category,
            "product_model": f"BENCH-{category}",
            "device_serial": f"KILL{first + i:06d}",
            "price_fen": sales_world.PRICE_FEN,
            "purchase_date": sales_world.PURCHASE.isoformat(),
            "grade": 1,
            "invoice_no": sales_world.invoice(first + i),
            "quota_code": code,
        }
        for i, (code, category) in enumerate(quotas[first : first + SALES])
    ]


def _crash_then_retry(url: str, token: str, point: str, sales: list[dict[str, Any]]) -> Any:
    proc, base = _serve(url, HUANXIN_CRASH_AT=point)
    try:
        with pytest.raises(httpx.HTTPError):  # the connection dies with the server
            _bulk(base, token, point, sales)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    proc, base = _serve(url)
    try:
        retry = _bulk(base, token, point, sales)
        assert retry.status_code == 200, retry.text
        again = _bulk(base, token, point, sales)
        return retry.json()["results"], again.json()["results"]
    finally:
        proc.terminate()
        proc.wait(15)


def test_kill_9_inside_a_batch_applies_each_sale_once(database: Database) -> None:
    loaded = sales_world.load(database.url, "hot_pool", SALES * len(POINTS))
    for n, point in enumerate(POINTS):
        results, again = _crash_then_retry(
            database.url, loaded.token, point, _sales(loaded.quotas, n * SALES)
        )
        assert [r["status"] for r in results] == [201] * SALES
        # killed before the commit nothing was stored and the retry did the work; killed
        # after it, the retry replays the answers of the first request
        assert [r["replayed"] for r in results] == [point == "uow.after_commit"] * SALES
        assert [(r["status"], r["replayed"]) for r in again] == [(201, True)] * SALES
        assert [r["claim"] for r in again] == [r["claim"] for r in results]
    with database.sessions() as session:
        claims = session.execute(select(func.count(), func.sum(Claim.subsidy_fen))).one()
        count = SALES * len(POINTS)
        assert tuple(claims) == (count, count * 119_980)
        locked = select(func.count()).where(Quota.state == "locked", Quota.claim_id.is_not(None))
        assert session.scalar(locked) == count
        redeemed = select(func.count()).where(AuditEntry.action == "claim.redeemed")
        assert session.scalar(redeemed) == count
        assert ledger.check(session) == []
        assert audit.verify(session).ok
