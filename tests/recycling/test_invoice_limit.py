"""The reverse-invoice limit under concurrency: invoices to one seller issued at the same
moment from separate sessions (threads) never add up past the limit; and a back-dated
invoice must fit every 12-month window it falls into."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.core import pii
from huanxin.core.clock import utcnow
from huanxin.core.errors import DomainError
from huanxin.recycling.errors import ReverseInvoiceLimitExceeded
from huanxin.recycling.models import InvoiceSeller, Pickup, ReverseInvoice
from huanxin.recycling.service import completion

if TYPE_CHECKING:
    from conftest import RWorld

RID = "11010519491231002X"
LIMIT = 500_000_000
THREADS = 4


def _old_invoice(world: RWorld, pickup_id: int, day: date, fen: int) -> None:
    with world.db.unit_of_work() as s:
        s.add(
            ReverseInvoice(
                number=f"OLD{pickup_id}",
                pickup_id=pickup_id,
                org_id=world.org_id,
                seller_name_enc=pii.seal("甲"),
                seller_id_enc=pii.seal(RID),
                seller_id_hash=pii.lookup_hash("resident_id", RID),
                amount_fen=fen,
                issued_on=day,
                rule_id="sat_2024_5",
                created_at=utcnow(),
            )
        )


def _issue(world: RWorld, pickup_id: int, on: date | None = None) -> None:
    with world.db.unit_of_work() as s:
        completion.issue_reverse_invoice(
            s,
            world.actor("recycler.140521"),
            pickup_id=pickup_id,
            seller_name="张三",
            seller_resident_id=RID,
            on=on,
        )


def test_concurrent_invoices_to_one_seller_stay_within_the_limit(rworld: RWorld) -> None:
    pickups = [int(str(rworld.completed(str(n))["pickup_id"])) for n in range(THREADS + 1)]
    with rworld.db.sessions() as s:
        paid = s.get(Pickup, pickups[0]).paid_fen  # type: ignore[union-attr]
    # Room for exactly two more invoices of ``paid`` each.
    _old_invoice(rworld, pickups[0], rworld.day, LIMIT - 2 * paid - 1)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def worker(pickup_id: int) -> None:
        barrier.wait()
        try:
            _issue(rworld, pickup_id)
            outcomes.append("ok")
        except ReverseInvoiceLimitExceeded:
            outcomes.append("limit")
        except DomainError as exc:  # pragma: no cover - reported in the assertion
            outcomes.append(exc.code)

    threads = [threading.Thread(target=worker, args=(p,)) for p in pickups[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["limit", "limit", "ok", "ok"]
    person = pii.lookup_hash("resident_id", RID)
    with rworld.db.sessions() as s:
        total = s.scalar(
            select(func.sum(ReverseInvoice.amount_fen)).where(
                ReverseInvoice.seller_id_hash == person
            )
        )
        lock = s.get(InvoiceSeller, person)
    assert total == LIMIT - 1
    assert lock is not None and (lock.invoices, lock.total_fen) == (2, 2 * paid)


def test_back_dated_invoice_must_fit_later_windows(rworld: RWorld) -> None:
    pickups = [int(str(rworld.completed(str(n))["pickup_id"])) for n in range(2)]
    _old_invoice(rworld, pickups[0], date(2025, 12, 10), LIMIT - 100)
    # Invoicing in 2025-01: the window 2024-02..2025-01 is empty, but 2025-01..2025-12
    # already holds LIMIT - 100, so the invoice would break that window's limit.
    try:
        _issue(rworld, pickups[1], on=date(2025, 1, 15))
    except ReverseInvoiceLimitExceeded as exc:
        assert exc.field == "amount" and "4,999,999.00" in exc.message
    else:
        raise AssertionError("a back-dated invoice passed the limit of a later window")
    _issue(rworld, pickups[1], on=date(2024, 12, 31))  # windows up to 2025-11 only
    with rworld.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReverseInvoice)) == 2


def test_invoice_page_refuses_beyond_the_limit_clearly(rworld: RWorld) -> None:
    pickups = [int(str(rworld.completed(str(n))["pickup_id"])) for n in range(2)]
    _old_invoice(rworld, pickups[0], rworld.day, LIMIT - 100)
    recycler = builders.web_client(rworld.db, "recycler.140521")
    page = recycler.get("/recycling/weighings")  # any recycler page carries the token
    token = page.text.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]
    r = recycler.post(
        f"/recycling/pickups/{pickups[1]}/invoice",
        data={"csrf_token": token, "seller_name": "张三", "seller_resident_id": RID},
    )
    assert r.status_code == 409 and "5,000,000.00元的上限" in r.text and "经营主体登记" in r.text
    with rworld.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReverseInvoice)) == 1
