"""A resident's bookings page through all of them (the list used to stop at the newest 500),
open on those not yet done, filter, search and export what is filtered — on SQLite and
PostgreSQL. The booking page itself shows the newest ones and links to the whole list."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core.models import User
from huanxin.recycling.models import Booking, PriceList

from .conftest import RWorld

STATUSES = ("booked", "planned", "completed", "cancelled")  # 130 each


def _bookings(rworld: RWorld, n: int) -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with rworld.db.unit_of_work() as session:
        me = session.scalars(select(User).where(User.username == "consumer.140521")).one()
        prices = session.scalars(select(PriceList.id)).first()
        for k in range(n):
            session.add(
                Booking(
                    consumer_user_id=me.id,
                    jurisdiction_code="140521",
                    address="沁水县龙港镇梅杏小区3号楼" if k == 77 else f"沁水县龙港镇{k}号",
                    lat=35.7,
                    lon=112.2,
                    service_date=date(2026, 5, 1 + k % 28),
                    window_start_s=9 * 3600,
                    window_end_s=11 * 3600,
                    status=STATUSES[k % 4],
                    quote_fen=1_000 + k,
                    price_list_id=prices,
                    created_at=now,
                )
            )


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)">', html)]


def test_bookings_page_through_all_and_export_the_filtered(rworld: RWorld) -> None:
    _bookings(rworld, 520)  # more than the old cap of 500
    consumer = builders.web_client(rworld.db, "consumer.140521")
    assert _count(consumer.get("/recycling/bookings").text) == 260  # booked and planned
    seen: list[int] = []
    for number in range(1, 7):
        seen += _ids(consumer.get(f"/recycling/bookings?page={number}").text)
    assert len(seen) == 260 == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert _count(consumer.get("/recycling/bookings?status=").text) == 520
    assert _count(consumer.get("/recycling/bookings?status=completed").text) == 130
    found = consumer.get("/recycling/bookings?status=&q=梅杏小区").text
    assert _count(found) == 1 and len(_ids(found)) == 1

    book = consumer.get("/recycling/book").text
    assert len(_ids(book)) == 10 and "共 520 条" in book and 'href="/recycling/bookings"' in book

    sheet = consumer.get("/recycling/bookings.xlsx?status=completed&sort=quote")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "日期") and len(rows) == 131
    assert {r[5] for r in rows[1:]} == {"已完成"}
    quotes = [float(r[4]) for r in rows[1:]]  # type: ignore[arg-type]
    assert quotes == sorted(quotes)
    everything = consumer.get("/recycling/bookings.xlsx?status=")
    assert len(list(load_workbook(io.BytesIO(everything.content)).active.iter_rows())) == 521
    other = builders.web_client(rworld.db, "consumer.371525").get("/recycling/bookings?status=")
    assert _count(other.text) == 0


def test_the_bookings_api_pages_through_all_with_a_total_and_a_next_link(rworld: RWorld) -> None:
    _bookings(rworld, 130)
    api = builders.api_client(rworld.db, "consumer.140521")
    first = api.get("/api/v1/recycling/bookings?limit=50")
    assert first.headers["X-Total-Count"] == "130" and len(first.json()) == 50
    seen, r = [b["id"] for b in first.json()], first
    while builders.next_link(r):
        r = api.get(builders.next_link(r))
        seen += [b["id"] for b in r.json()]
    assert len(seen) == 130 == len(set(seen)) and seen == sorted(seen, reverse=True)

    office = builders.api_client(rworld.db, "office.140521")
    done = office.get("/api/v1/recycling/ops/bookings?status=completed&limit=20&offset=20")
    assert done.headers["X-Total-Count"] == "32" and "Link" not in done.headers
    assert len(done.json()) == 12 and {b["status"] for b in done.json()} == {"completed"}
    too_many = api.get("/api/v1/recycling/bookings?limit=1001")
    assert too_many.status_code == 422 and too_many.json()["message"].startswith("每页条数：")
