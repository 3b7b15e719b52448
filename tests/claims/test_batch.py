"""The batched redemption path: many sales in one transaction, each with its own answer.

A sale failing its checks fails alone; a pool too short for the batch's total falls back to
one sale at a time (those that fit pass); retries replay; concurrent batches never
overspend; the bulk API answers per sale — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

import builders
from huanxin.claims import sales_world
from huanxin.claims.models import Claim, ClaimPart, Quota
from huanxin.claims.schemas import ClaimRead
from huanxin.claims.service import batch, gather, redeem
from huanxin.core import audit, auth
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.models import AuditEntry, IdempotencyRecord, User
from huanxin.db import Database
from huanxin.ledger import service as ledger

SUBSIDY = 119_980  # 5,999.00 yuan × 20% (grade 1)
CENTRAL = 107_982  # 90% central, 11,998 from the province


def _world(db: Database, *, central_fen: int, shards: int, quotas: int) -> dict[str, Any]:
    with db.unit_of_work() as session:
        sales_world.load_world(session)
        pools = {}
        for layer, amount in (("central", central_fen), ("province", 10**12)):
            pool = ledger.create_pool(
                session,
                SYSTEM,
                programme_id=sales_world.PROGRAMME,
                layer=layer,
                jurisdiction_code="140000",
                period_year=sales_world.PURCHASE.year,
                name=f"批量{layer}",
                shards=shards,
            )
            # about the ledger's own limit: sales must not pause before the money is gone
            pool.pause_below_fen = 1
            ledger.allocate(session, SYSTEM, pool_id=pool.id, amount_fen=amount, ref="budget")
            pools[layer] = pool.id
        codes = sales_world.add_consumers(session, [sales_world.HOT_PLACE], quotas)
        user = session.scalars(select(User).where(User.username == "bench.merchant")).one()
        merchant = auth.actor_for(session, user, via="token")
    return {"merchant": merchant, "codes": codes, "pools": pools}


def _item(merchant: Actor, n: int, code: str, category: str, **change: Any) -> batch.Item:
    sale = redeem.Sale(
        category=category,
        product_model=f"BENCH-{category}",
        device_serial=f"BATCH{n:06d}",
        price_fen=sales_world.PRICE_FEN,
        purchase_date=sales_world.PURCHASE,
        invoice_no=sales_world.invoice(n),
        quota_code=code,
        grade=1,
    )
    sale = replace(sale, **change)
    payload = {k: str(v) for k, v in sale.__dict__.items() if k != "resident_id"}
    return batch.Item(merchant, f"key-{n}", payload, sale)


def _apply(db: Database, items: list[batch.Item]) -> list[batch.Answer]:
    with db.unit_of_work() as session:
        return batch.apply(session, items)


def _codes(answers: list[batch.Answer]) -> list[str]:
    return ["ok" if a.error is None else a.error.code for a in answers]


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.sessions() as session:
        claims = session.scalar(select(func.count()).select_from(Claim)) or 0
        parts = session.scalar(select(func.count()).select_from(ClaimPart)) or 0
        keys = session.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0
        redeemed = select(func.count()).where(AuditEntry.action == "claim.redeemed")
        return claims, parts, keys, session.scalar(redeemed) or 0


def _ledger_clean(db: Database) -> None:
    with db.sessions() as session:
        assert ledger.check(session) == []
        assert audit.verify(session).ok


def test_a_sale_failing_its_checks_fails_alone(database: Database) -> None:
    w = _world(database, central_fen=10**12, shards=4, quotas=6)
    m, codes = w["merchant"], w["codes"]
    items = [
        _item(m, 0, *codes[0]),
        _item(m, 1, *codes[1], product_model="NOT-LISTED"),  # not in the catalogue
        _item(m, 2, *codes[2]),
        _item(m, 3, *codes[3], device_serial="BATCH000000"),  # the serial of sale 0
        _item(m, 4, "NOSUCHCODE", codes[4][1]),  # no such quota
        _item(m, 5, codes[0][0], codes[0][1]),  # sale 0's quota, a second time
    ]
    answers = _apply(database, items)
    assert _codes(answers) == [
        "ok",
        "product_not_in_catalogue",
        "ok",
        "device_already_subsidised",
        "quota_not_available",
        "quota_not_available",
    ]
    assert [a.status for a in answers] == [201, 422, 201, 409, 409, 409]
    assert answers[0].body["subsidy_fen"] == SUBSIDY
    # two claims, two parts each, two keys stored (failed sales give theirs up), two entries
    assert _counts(database) == (2, 4, 2, 2)
    with database.sessions() as session:
        central = ledger.pool_balances(session, w["pools"]["central"])
        assert central.reserved == 2 * CENTRAL
        states = dict(
            session.execute(select(Quota.state, func.count()).group_by(Quota.state)).all()
        )
        assert states == {"locked": 2, "issued": 4}
        claimed = select(Quota.claim_id).where(Quota.state == "locked").order_by(Quota.claim_id)
        ids = [a.body["id"] for a in answers if a.error is None]
        assert list(session.scalars(claimed)) == sorted(ids)
    _ledger_clean(database)


def test_each_sale_is_quoted_for_its_own_price_and_answered_as_stored(
    database: Database,
) -> None:
    # the batch remembers quotes per item: sales at two prices must still get their own
    # subsidy, and each answer must read as the stored claim does (ClaimRead.of)
    w = _world(database, central_fen=10**12, shards=2, quotas=4)
    cheaper = sales_world.PRICE_FEN - 100_000  # 4,999.00 yuan: 999.80 yuan of subsidy
    prices = [sales_world.PRICE_FEN, cheaper] * 2
    items = [_item(w["merchant"], n, *w["codes"][n], price_fen=prices[n]) for n in range(4)]
    answers = _apply(database, items)
    assert [a.body["subsidy_fen"] for a in answers] == [SUBSIDY, 99_980, SUBSIDY, 99_980]
    with database.sessions() as session:
        for answer in answers:
            stored = session.get(Claim, answer.body["id"])
            assert stored is not None
            assert ClaimRead.of(stored).model_dump(mode="json") == answer.body
    _ledger_clean(database)


def test_a_pool_too_short_for_the_batch_takes_sales_one_at_a_time(database: Database) -> None:
    # one shard holding two and a half subsidies: the batch's total (four) does not fit, so
    # the batch falls back to one sale at a time: two pass, two are refused, alone
    w = _world(database, central_fen=CENTRAL * 5 // 2, shards=1, quotas=4)
    items = [_item(w["merchant"], n, *w["codes"][n]) for n in range(4)]
    answers = _apply(database, items)
    assert _codes(answers) == ["ok", "ok", "budget_exhausted", "budget_exhausted"]
    assert _counts(database) == (2, 4, 2, 2)
    with database.sessions() as session:
        central = ledger.pool_balances(session, w["pools"]["central"])
        assert (central.available, central.reserved) == (CENTRAL // 2, 2 * CENTRAL)
    _ledger_clean(database)


def test_a_retried_batched_sale_is_replayed_not_redone(database: Database) -> None:
    w = _world(database, central_fen=10**12, shards=4, quotas=3)
    items = [_item(w["merchant"], n, *w["codes"][n]) for n in range(3)]
    first = _apply(database, items)
    again = _apply(database, [items[2], items[0], items[0]])  # a key twice in one batch
    assert [a.replayed for a in again] == [True, True, True]
    assert [a.body for a in again] == [first[2].body, first[0].body, first[0].body]
    other = replace(items[1], payload={**items[1].payload, "price_fen": "1"})
    assert _codes(_apply(database, [other])) == ["idempotency_key_reused"]
    assert _counts(database) == (3, 6, 3, 3)
    _ledger_clean(database)


def test_a_key_used_twice_in_one_batch_is_applied_once(database: Database) -> None:
    w = _world(database, central_fen=10**12, shards=4, quotas=2)
    item = _item(w["merchant"], 0, *w["codes"][0])
    answers = _apply(database, [item, item])
    assert [(a.status, a.replayed) for a in answers] == [(201, False), (201, True)]
    assert answers[0].body == answers[1].body
    assert _counts(database) == (1, 2, 1, 1)


@pytest.mark.slow
def test_concurrent_batches_never_overspend(database: Database) -> None:
    # 300 sales from 12 threads through the gatherer at a central pool (3 shards) that fits
    # exactly 100: exactly 100 pass, whatever the batches' sizes and interleavings
    fits, attempts = 100, 300
    w = _world(database, central_fen=fits * CENTRAL, shards=3, quotas=attempts)
    items = [_item(w["merchant"], n, *w["codes"][n]) for n in range(attempts)]

    def send(chunk: int) -> list[str]:
        mine = items[chunk::12]
        return _codes(gather.redeem(database, mine))

    with ThreadPoolExecutor(12) as pool:
        outcomes = Counter(code for codes in pool.map(send, range(12)) for code in codes)
    # a sale batched with the one that emptied the pool is refused for want of money; once
    # the pool is empty it pauses, and the sales after that read the pause notice
    assert outcomes["ok"] == fits
    assert outcomes["budget_exhausted"] + outcomes["sales_paused"] == attempts - fits
    assert _counts(database) == (fits, 2 * fits, fits, fits)
    with database.sessions() as session:
        central = ledger.pool_balances(session, w["pools"]["central"])
        assert (central.available, central.reserved) == (0, fits * CENTRAL)
        held = session.scalar(select(func.sum(Claim.subsidy_fen)))
        assert held == fits * SUBSIDY
    _ledger_clean(database)


def _bulk_sale(n: int, code: str, category: str, **change: Any) -> dict[str, Any]:
    sale = {
        "category": category,
        "product_model": f"BENCH-{category}",
        "device_serial": f"BULK{n:06d}",
        "price_fen": sales_world.PRICE_FEN,
        "purchase_date": sales_world.PURCHASE.isoformat(),
        "grade": 1,
        "invoice_no": sales_world.invoice(n),
        "quota_code": code,
    }
    return sale | change


def test_bulk_api_answers_each_sale_and_replays_a_retry(database: Database) -> None:
    w = _world(database, central_fen=10**12, shards=4, quotas=3)
    codes = w["codes"]
    api = builders.api_client(database, "bench.merchant")
    sales = [
        _bulk_sale(0, *codes[0]) | {"idempotency_key": "feed-0"},
        _bulk_sale(1, *codes[1], grade=3),  # the catalogue lists grade 1
        _bulk_sale(2, *codes[2]),
    ]
    r = api.post(
        "/api/v1/redemptions/bulk", json={"sales": sales}, headers={"Idempotency-Key": "f"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["succeeded"], body["failed"]) == (2, 1)
    answers = body["results"]
    assert [a["idempotency_key"] for a in answers] == ["feed-0", "f#1", "f#2"]
    assert [a["status"] for a in answers] == [201, 422, 201]
    assert answers[1]["error"]["code"] == "product_not_in_catalogue"
    assert answers[1]["error"]["field"] == "grade"
    assert answers[0]["claim"]["subsidy_fen"] == SUBSIDY
    again = api.post(
        "/api/v1/redemptions/bulk", json={"sales": sales}, headers={"Idempotency-Key": "f"}
    ).json()["results"]
    assert [(a["status"], a["replayed"]) for a in again] == [(201, True), (422, False), (201, True)]
    assert [a["claim"] for a in again] == [a["claim"] for a in answers]
    assert _counts(database) == (2, 4, 2, 2)
    one = api.post(
        "/api/v1/redemptions", json=_bulk_sale(2, *codes[2]), headers={"Idempotency-Key": "f#2"}
    )
    assert (one.status_code, one.headers.get("Idempotent-Replayed")) == (201, "true")


def test_bulk_api_refuses_more_sales_than_allowed(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huanxin.config import get_settings

    w = _world(database, central_fen=10**12, shards=1, quotas=3)
    monkeypatch.setenv("HUANXIN_BULK_MAX_SALES", "2")
    get_settings.cache_clear()
    try:
        api = builders.api_client(database, "bench.merchant")
        sales = [_bulk_sale(n, *w["codes"][n]) for n in range(3)]
        r = api.post(
            "/api/v1/redemptions/bulk", json={"sales": sales}, headers={"Idempotency-Key": "x"}
        )
    finally:
        monkeypatch.delenv("HUANXIN_BULK_MAX_SALES")
        get_settings.cache_clear()
    assert r.status_code == 422
    assert r.json()["field"] == "sales" and "2" in r.json()["message"]
    assert _counts(database) == (0, 0, 0, 0)
