"""Crash test: the real server is killed with SIGKILL at each named point of importing a
bank result (``HUANXIN_CRASH_AT``), restarted, and sent the same file again. Afterwards no
payment is made twice, every claim is paid exactly once with its spending committed once,
and the ledger and the audit trail verify — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import builders
from huanxin.claims import sales_world
from huanxin.claims.models import Claim, ClaimEvent, PaymentItem, Quota
from huanxin.claims.service import lifecycle, redeem, settle
from huanxin.core import audit, auth
from huanxin.core.actor import Actor
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.ledger import service as ledger
from huanxin.ledger.models import Entry

pytestmark = pytest.mark.slow

POINTS = [
    "settle.result_parsed",
    "settle.before_commit_parts",
    "settle.after_commit_parts",
    "settle.before_flush",
    "settle.after_flush",
    "uow.after_commit",
]
CLAIMS_PER_ROUND = 3  # two for one merchant, one for the other: two payments per batch
HUANXIN = str(Path(sys.executable).with_name("huanxin"))


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.unit_of_work() as session:
            sales_world.load_world(session)
            sales_world.fund_case(session, "hot_pool")
            self.quotas = sales_world.add_consumers(
                session, [sales_world.HOT_PLACE], CLAIMS_PER_ROUND * len(POINTS)
            )
            builders.create_user(session, "merchant", "140300")
            for role in ("office", "finance"):
                builders.create_user(session, role, "140000")
            self.finance_token = auth.issue_token(
                session, _user(session, "finance.140000"), name="t"
            )
        self.used = 0

    def actor(self, session: Session, username: str) -> Actor:
        return auth.actor_for(session, _user(session, username), via="token")

    def approved_claims(self) -> list[int]:
        """Redeem and verify this round's claims."""
        ids = []
        for merchant in ("bench.merchant", "bench.merchant", "merchant.140300"):
            code, category = self.quotas[self.used]
            sale = redeem.Sale(
                category=category,
                product_model=f"BENCH-{category}",
                device_serial=f"CRASH{self.used:05d}",
                price_fen=sales_world.PRICE_FEN,
                purchase_date=sales_world.PURCHASE,
                grade=1,
                invoice_no=sales_world.invoice(self.used),
                quota_code=code,
            )
            self.used += 1
            with self.db.unit_of_work() as session:
                claim = redeem.redeem(session, self.actor(session, merchant), sale)
                lifecycle.verify(session, self.actor(session, "office.140000"), claim_id=claim.id)
                ids.append(claim.id)
        return ids

    def batch_result(self) -> tuple[int, bytes]:
        """A batch of every approved claim and the bank's file saying each payment succeeded."""
        with self.db.unit_of_work() as session:
            finance = self.actor(session, "finance.140000")
            batch = settle.create_batch(session, finance)
            rows = settle.bank_rows(session, finance, batch.id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(settle.RESULT_HEADERS)
        for row in rows[1:]:
            writer.writerow([row[1], "成功", f"BANK{row[1]}", ""])
        return batch.id, out.getvalue().encode("utf-8")


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def _post_result(base: str, token: str, batch_id: int, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{base}/api/v1/settlement/batches/{batch_id}/result",
        timeout=60,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"result-{batch_id}"},
        files={"file": ("result.csv", content, "text/csv")},
    )


def _serve(url: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = sales_world.free_port()
    proc = sales_world.start_server(url, port, **env)
    base = f"http://127.0.0.1:{port}"
    sales_world.wait_ready(base, proc, path="/static/app.css")  # no database transaction
    return proc, base


def _crash_then_retry(
    world: World, point: str, batch_id: int, content: bytes
) -> tuple[dict[str, int], bool]:
    """Crash the server at ``point`` during the bank-result import, restart it, send the same
    request again (same Idempotency-Key); returns the answer and whether it was a replay."""
    proc, base = _serve(world.db.url, HUANXIN_CRASH_AT=point)
    try:
        with pytest.raises(httpx.HTTPError):  # the connection dies with the server
            _post_result(base, world.finance_token, batch_id, content)
        assert proc.wait(30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    proc, base = _serve(world.db.url)
    try:
        retry = _post_result(base, world.finance_token, batch_id, content)
        assert retry.status_code == 200, retry.text
        return dict(retry.json()), retry.headers.get("Idempotent-Replayed") == "true"
    finally:
        proc.terminate()
        proc.wait(15)


def _assert_paid_once(session: Session, claim_ids: list[int], batch_id: int) -> None:
    items = list(session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id)))
    assert [(i.state, i.bank_ref) for i in items] == [("paid", f"BANK{i.id}") for i in items]
    assert len(items) == 2
    for claim in session.scalars(select(Claim).where(Claim.id.in_(claim_ids))):
        assert (claim.state, claim.batch_id) == ("paid", batch_id)
        paid = select(func.count()).where(
            ClaimEvent.claim_id == claim.id, ClaimEvent.to_state == "paid"
        )
        assert session.scalar(paid) == 1
        spent = select(func.count(), func.sum(Entry.amount_fen)).where(
            Entry.ref == f"claim:{claim.id}:pay", Entry.account == "spent"
        )
        assert tuple(session.execute(spent).one()) == (2, claim.subsidy_fen)  # two layers, once
        quota = session.scalars(select(Quota.state).where(Quota.claim_id == claim.id)).one()
        assert quota == "used"
    assert ledger.check(session) == []
    assert audit.verify(session).ok


def test_kill_9_during_settlement_pays_each_claim_exactly_once(database: Database) -> None:
    world = World(database)
    paid: list[int] = []
    for point in POINTS:
        claim_ids = world.approved_claims()
        batch_id, content = world.batch_result()
        counts, replayed = _crash_then_retry(world, point, batch_id, content)
        # After a crash past the commit, the retry replays the stored answer of the first
        # request; before it, nothing was stored and the retry does the work itself.
        assert replayed == (point == "uow.after_commit")
        assert counts == {"paid": 2, "failed": 0, "unchanged": 0}
        paid += claim_ids
        with database.sessions() as session:
            _assert_paid_once(session, claim_ids, batch_id)
    with database.sessions() as session:
        spent = sum(ledger.pool_balances(session, p).spent for p in _pool_ids(session))
        subsidies = select(func.sum(Claim.subsidy_fen)).where(Claim.id.in_(paid))
        assert spent == session.scalar(subsidies)
    env = sales_world.server_env(database.url)
    for command in (["ledger", "check"], ["audit", "verify"]):
        done = subprocess.run(
            [HUANXIN, *command], check=False, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


def _pool_ids(session: Session) -> list[int]:
    from huanxin.ledger.models import Pool

    return list(session.scalars(select(Pool.id)))
