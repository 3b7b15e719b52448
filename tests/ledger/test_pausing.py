"""Automatic and manual pause of sales by released money: redemption and quota issue refuse
with a Chinese notice while a pool is paused, reserved claims are honoured, money arriving
resumes sales by itself, the public notice shows it all without a login."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import builders
import tradein
from huanxin.claims.models import Claim
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.ledger import pacing, service, tranches
from huanxin.ledger.errors import SalesPaused
from huanxin.ledger.pools import pool_or_404

from .conftest import TEST_PROGRAMME, next_year


def _quota(db: Database, category: str) -> tuple[int, dict[str, object]]:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": category, "on_date": "2025-06-01"},
        headers={"Idempotency-Key": f"q-{category}"},
    )
    return r.status_code, r.json()


def _redeem(
    db: Database, code: str, serial: str, category: str = "refrigerator"
) -> tuple[int, dict[str, object]]:
    merchant = builders.api_client(db, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        json=tradein.sale(quota_code=code, device_serial=serial, category=category),
        headers={"Idempotency-Key": f"r-{serial}"},
    )
    return r.status_code, r.json()


def test_office_pause_stops_sales_honours_reserved_and_resume_reopens(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    central = pools[("cn.appliance", "central")]
    status, first = _quota(database, "refrigerator")
    assert status == 201
    status, sold = _redeem(database, str(first["code"]), "SN-A")
    assert status == 201, sold
    status, waiting = _quota(database, "television")  # issued before the pause
    assert status == 201
    office = builders.api_client(database, "office.140521")
    r = office.post(
        f"/api/v1/ledger/pools/{central}/pause",
        json={"reason": "等待省级资金清算"},
        headers={"Idempotency-Key": "pause-1"},
    )
    assert r.status_code == 200 and r.json()["paused"] is True, r.text
    status, refused = _redeem(database, str(waiting["code"]), "SN-B", "television")
    assert status == 409 and refused["code"] == "sales_paused", refused
    assert "专班办公室暂停：等待省级资金清算" in str(refused["message"])
    assert "已预留的申请照常办理" in str(refused["message"])
    status, refused = _quota(database, "washing_machine")
    assert status == 409 and refused["code"] == "sales_paused"
    with database.unit_of_work() as session:  # the reserved claim is paid while paused
        claim = session.get(Claim, int(str(sold["id"])))
        assert claim is not None and claim.state == "reserved"
        service.commit(session, pool_id=central, amount_fen=107_982, ref=f"claim:{claim.id}:pay")
    r = office.post(
        f"/api/v1/ledger/pools/{central}/resume",
        json={"reason": "资金已清算"},
        headers={"Idempotency-Key": "resume-1"},
    )
    assert r.status_code == 200 and r.json()["paused"] is False
    status, _ = _redeem(database, str(waiting["code"]), "SN-B", "television")
    assert status == 201
    with database.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.action.in_(["ledger.paused", "ledger.resumed"])
            )
        ).all()
        assert [a for a in actions if a in ("ledger.paused", "ledger.resumed")] == [
            "ledger.paused",
            "ledger.resumed",
        ]


def test_pause_needs_a_reason_and_scope(database: Database) -> None:
    pools = tradein.setup(database)
    central = pools[("cn.appliance", "central")]
    office = builders.api_client(database, "office.140521")
    r = office.post(
        f"/api/v1/ledger/pools/{central}/pause",
        json={"reason": ""},
        headers={"Idempotency-Key": "p0"},
    )
    assert r.status_code == 422 and r.json()["field"] == "reason"
    other = builders.api_client(database, "office.371525")
    r = other.post(
        f"/api/v1/ledger/pools/{central}/pause",
        json={"reason": "x"},
        headers={"Idempotency-Key": "p1"},
    )
    assert r.status_code == 404
    with database.sessions() as session:
        assert pool_or_404(session, central).paused_by == ""


def test_auto_pause_when_money_runs_short_and_resume_when_the_tranche_arrives(
    shared_db: Database,
) -> None:
    year = next_year()
    with shared_db.unit_of_work() as session:
        pool = service.create_pool(
            session,
            SYSTEM,
            programme_id=TEST_PROGRAMME,
            layer="county",
            jurisdiction_code="140521",
            period_year=year,
            shards=2,
            budget_fen=1_200_000,
        )
        pool_id = pool.id
        assert pool.pause_below_fen == 15_000  # the 1,000-yuan cap × the county's 15 %
        rows = tranches.plan(session, pool, pattern="monthly")
        tranches.set_schedule(session, SYSTEM, pool_id=pool_id, rows=rows)
        pacing.run(session, today=date(year, 1, 10))
        service.reserve(session, pool_id=pool_id, amount_fen=90_000, ref="claim:big")
        assert pool_or_404(session, pool_id).paused_by == "auto"  # at the sale, not later
    with shared_db.unit_of_work() as session:
        assert pacing.run(session, today=date(year, 1, 20)).paused == 0  # nothing left to do
    on = date(year, 1, 21)
    with shared_db.sessions() as session:
        pause = service.is_paused(
            session, programme_ids=[TEST_PROGRAMME], jurisdiction_code="140521", on=on
        )
        assert pause is not None and pause.by == "auto"
        assert pause.next_release_on == date(year, 2, 1)
        assert f"下一批资金预计{year}年02月01日下达" in pause.notice()
        with pytest.raises(SalesPaused):
            service.check_open(
                session, programme_ids=[TEST_PROGRAMME], jurisdiction_code="140521", on=on
            )
        # another budget year of the same programme is not paused
        assert not service.is_paused(
            session,
            programme_ids=[TEST_PROGRAMME],
            jurisdiction_code="140521",
            on=date(year + 1, 1, 21) if year < 2099 else date(year - 1, 1, 21),
        )
    with shared_db.unit_of_work() as session:
        service.commit(session, pool_id=pool_id, amount_fen=90_000, ref="claim:big")
        result = pacing.run(session, today=date(year, 2, 1))
        assert (result.released, result.resumed) == (1, 1)
        assert pool_or_404(session, pool_id).paused_by == ""


def test_public_notice_needs_no_login(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=500_000)
    office = builders.api_client(database, "office.140521")
    r = office.post(
        f"/api/v1/ledger/pools/{pools[('cn.appliance', 'central')]}/pause",
        json={"reason": "年中资金调度"},
        headers={"Idempotency-Key": "p-public"},
    )
    assert r.status_code == 200
    anonymous = builders.client(database)
    r = anonymous.get("/api/v1/ledger/public/140521?year=2025")
    assert r.status_code == 200, r.text
    rows = {row["title"]: row for row in r.json()}
    appliance = rows["2025年家电以旧换新补贴（国家）"]
    assert appliance["paused"] is True and appliance["reason"] == "年中资金调度"
    assert appliance["available_fen"] == 4 * 500_000  # four layers funded in the test world
    page = anonymous.get("/public/140521/budget?year=2025")
    assert page.status_code == 200 and "暂停办理" in page.text and "年中资金调度" in page.text
    assert anonymous.get("/api/v1/ledger/public/999999").status_code == 404


def _floor_at(db: Database, pool_id: int, fen: int) -> None:
    """Make the pool's next sale need ``fen`` (what ``pause_below_fen`` holds)."""
    with db.unit_of_work() as session:
        pool_or_404(session, pool_id).pause_below_fen = fen


def _paused_by(db: Database, pool_id: int) -> str:
    with db.sessions() as session:
        return pool_or_404(session, pool_id).paused_by


def test_a_sale_leaving_too_little_pauses_at_once_and_a_top_up_resumes_at_once(
    database: Database,
) -> None:
    """No job runs here: the sale that leaves less than the next sale needs pauses sales in
    its own transaction, the next sale and quota read the notice, and the office's top-up
    reopens them the moment it is booked."""
    pools = tradein.setup(database, amount_fen=1_000_000)
    central = pools[("cn.appliance", "central")]
    _floor_at(database, central, 1_000_000)  # open now; any sale leaves less than that
    status, first = _quota(database, "refrigerator")
    status2, second = _quota(database, "television")
    assert status == status2 == 201
    status, sold = _redeem(database, str(first["code"]), "SN-A")
    assert status == 201 and _paused_by(database, central) == "auto", sold
    status, refused = _redeem(database, str(second["code"]), "SN-B", "television")
    assert status == 409 and refused["code"] == "sales_paused", refused
    assert "已下达资金不足以支付下一笔补贴" in str(refused["message"])
    status, refused = _quota(database, "washing_machine")
    assert status == 409 and refused["code"] == "sales_paused"
    office = builders.api_client(database, "office.140521")
    r = office.post(
        f"/api/v1/ledger/pools/{central}/allocations",
        json={"amount_fen": 500_000, "ref": "晋财建〔2026〕3号"},
        headers={"Idempotency-Key": "top-up-1"},
    )
    assert r.status_code == 201 and _paused_by(database, central) == "", r.text
    status, sold_b = _redeem(database, str(second["code"]), "SN-B", "television")
    assert status == 201, sold_b
    with database.sessions() as session:
        claim = session.get(Claim, int(str(sold["id"])))
        assert claim is not None and claim.state == "reserved"  # honoured through the pause
        moves = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.in_(["ledger.paused", "ledger.resumed"]))
            .order_by(AuditEntry.id)
        ).all()
        assert list(moves)[:2] == ["ledger.paused", "ledger.resumed"]


def test_a_returned_reservation_resumes_and_a_batch_pauses(database: Database) -> None:
    """Money coming back from a cancelled claim lifts the pause at once; the batched path
    pauses like the single one; a manual pause is never lifted by money."""
    pools = tradein.setup(database, amount_fen=100_000)
    pool_id = pools[("cn.appliance", "county")]
    _floor_at(database, pool_id, 50_000)
    with database.unit_of_work() as session:
        service.reserve(session, pool_id=pool_id, amount_fen=60_000, ref="claim:a")
    assert _paused_by(database, pool_id) == "auto"
    with database.unit_of_work() as session:
        service.release(session, pool_id=pool_id, amount_fen=60_000, ref="claim:a")
    assert _paused_by(database, pool_id) == ""
    with database.unit_of_work() as session:
        used = service.reserve_batch(
            session, pools={pool_id: [("claim:b", 30_000), ("claim:c", 30_000)]}
        )
        assert used is not None
    assert _paused_by(database, pool_id) == "auto"
    office = builders.api_client(database, "office.140521")
    r = office.post(
        f"/api/v1/ledger/pools/{pool_id}/pause",
        json={"reason": "核查中"},
        headers={"Idempotency-Key": "pause-manual"},
    )
    assert r.status_code == 200, r.text
    with database.unit_of_work() as session:
        service.release(session, pool_id=pool_id, amount_fen=30_000, ref="claim:b")
        service.release(session, pool_id=pool_id, amount_fen=30_000, ref="claim:c")
    assert _paused_by(database, pool_id) == "manual"
