"""Lists that used to stop at their newest rows now page through every row, filter, search
and export what is filtered: payment batches on /settlement (was 50) and the consumer's
claims on /my (was 100) — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.claims.models import Claim, PaymentBatch, PaymentItem
from huanxin.core.models import User
from huanxin.db import Database

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def _sheet(response: object) -> list[tuple[object, ...]]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return list(book.active.iter_rows(values_only=True))


def _batches(db: Database, n: int) -> None:
    """``n`` batches: every third settled, the rest open; batch 7 pays 「阳光家电」."""
    with db.unit_of_work() as session:
        for k in range(n):
            state = "settled" if k % 3 == 0 else "open"
            batch = PaymentBatch(
                jurisdiction_code="140521",
                state=state,
                created_by=1,
                total_fen=10_000 * (k + 1),
                created_at=NOW,
                settled_at=NOW if state == "settled" else None,
            )
            session.add(batch)
            session.flush()
            name = "阳光家电" if k == 7 else f"商户{k}"
            session.add(
                PaymentItem(
                    batch_id=batch.id,
                    payee=f"org:{k}",
                    payee_name=name,
                    amount_fen=100,
                    state="pending",
                )
            )


def _batch_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r"<h2>批次编号 (\d+)", html)]


def test_settlement_pages_through_every_batch_and_exports_the_filtered(database: Database) -> None:
    builders.world(database, ("finance", "140521"))
    _batches(database, 120)  # 80 open, 40 settled: more than the old cap of 50
    finance = builders.web_client(database, "finance.140521")
    opening = finance.get("/settlement").text
    assert _count(opening) == 80  # opens on the batches not yet settled
    seen: list[int] = []
    for number in (1, 2):
        seen += _batch_ids(finance.get(f"/settlement?page={number}").text)
    assert len(seen) == 80 == len(set(seen)) and seen == sorted(seen, reverse=True)

    everything = finance.get("/settlement?state=&page=3").text
    assert _count(everything) == 120 and len(_batch_ids(everything)) == 20
    assert _count(finance.get("/settlement?state=settled").text) == 40
    found = finance.get("/settlement?state=&q=阳光家电").text
    assert _count(found) == 1 and "阳光家电" in found

    rows = _sheet(finance.get("/settlement.xlsx?state=settled&sort=total"))
    assert rows[0][:3] == ("批次", "状态", "合计（元）") and len(rows) == 41
    assert {r[1] for r in rows[1:]} == {"已结清"}
    totals = [float(r[2]) for r in rows[1:]]  # type: ignore[arg-type]
    assert totals == sorted(totals)
    assert len(_sheet(finance.get("/settlement.xlsx?state="))) == 121


def _claims_of(db: Database, user: User, n: int) -> None:
    with db.unit_of_work() as session:
        for k in range(n):
            session.add(
                Claim(
                    kind="point_of_sale",
                    state="paid" if k % 4 == 0 else "submitted",
                    jurisdiction_code="140521",
                    category="refrigerator" if k % 2 else "television",
                    applicant_user_id=user.id,
                    person_key=f"p{user.id}",
                    person_name_enc="",
                    resident_id_enc="",
                    product_model=f"M-{k:03d}",
                    purchase_date=date(2026, 4, 1 + k % 28),
                    price_fen=100_000,
                    subsidy_fen=10_000 + k,
                    consumer_pays_fen=90_000,
                    quote="{}",
                    payee="consumer",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def test_my_claims_page_through_all_and_export(database: Database) -> None:
    builders.world(database, ("consumer", "140521"))
    with database.sessions() as session:
        me = session.scalars(select(User).where(User.username == "consumer.140521")).one()
    _claims_of(database, me, 240)  # 180 open, 60 paid: more than the old cap of 100
    consumer = builders.web_client(database, "consumer.140521")
    opening = consumer.get("/my").text
    assert _count(opening) == 180  # opens on the claims not yet settled
    ids: list[int] = []
    for number in range(1, 5):
        ids += [
            int(i)
            for i in re.findall(r'href="/claims/(\d+)"', consumer.get(f"/my?page={number}").text)
        ]
    assert len(ids) == 180 == len(set(ids))
    assert _count(consumer.get("/my?state=").text) == 240
    assert _count(consumer.get("/my?state=&category=refrigerator").text) == 120
    rows = _sheet(consumer.get("/claims.xlsx?state="))
    assert len(rows) == 241
    rows = _sheet(consumer.get("/claims.xlsx?state=paid"))
    assert len(rows) == 61 and {r[7] for r in rows[1:]} == {"已支付"}
