"""Booking API: instant quote from the price list in force, status, cancellation, and the
bad inputs the issue names (outside the area, window in the past, too heavy) refused with
the field and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.core.audit import SYSTEM
from huanxin.recycling.models import Booking, BookingItem
from huanxin.recycling.service import network

if TYPE_CHECKING:
    from conftest import RWorld


def _count(world: RWorld) -> tuple[int, int]:
    with world.db.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Booking)) or 0,
            s.scalar(select(func.count()).select_from(BookingItem)) or 0,
        )


def test_booking_quotes_lists_and_cancels(rworld: RWorld) -> None:
    c = builders.api_client(rworld.db, "consumer.140521")
    r = c.post(
        "/api/v1/recycling/bookings",
        json=rworld.body(rworld.day),
        headers={"Idempotency-Key": "b1"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["quote_fen"] == 8000 + 2750
    assert [i["quote_fen"] for i in body["items"]] == [8000, 2750]
    assert body["status"] == "booked" and body["window"] == "09:00-11:00"
    listed = c.get("/api/v1/recycling/bookings").json()
    assert [b["id"] for b in listed] == [body["id"]]
    cancel = c.post(
        f"/api/v1/recycling/bookings/{body['id']}/cancel", headers={"Idempotency-Key": "c1"}
    )
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    again = c.post(
        f"/api/v1/recycling/bookings/{body['id']}/cancel", headers={"Idempotency-Key": "c2"}
    )
    assert again.status_code == 409 and again.json()["field"] == "status"


def test_quote_uses_the_version_in_force_on_the_day(rworld: RWorld) -> None:
    later = rworld.day + timedelta(days=1)
    with rworld.db.unit_of_work() as s:
        network.create_price_list(
            s,
            SYSTEM,
            jurisdiction_code="140521",
            effective_from=later,
            prices=[("refrigerator", "intact", 9000), ("paper", "any", 100)],
        )
    c = builders.api_client(rworld.db, "consumer.140521")
    first = c.post("/api/v1/recycling/quote", json=rworld.body(rworld.day)).json()
    second = c.post("/api/v1/recycling/quote", json=rworld.body(later)).json()
    assert first == {"lines_fen": [8000, 2750], "total_fen": 10750}
    assert second == {"lines_fen": [9000, 2500], "total_fen": 11500}


def test_bad_inputs_name_the_field_and_store_nothing(rworld: RWorld) -> None:
    c = builders.api_client(rworld.db, "consumer.140521")
    heavy = [{"category": "metal", "count": 1, "weight_kg": 2000}]
    cases = [
        (rworld.body(rworld.day, lat=36.48, lon=115.44), 422, "lat", "outside_service_area"),
        (rworld.body(date.today() - timedelta(days=2)), 422, "window_start", "window_in_past"),
        (rworld.body(rworld.day, items=heavy), 422, "items[0].weight_kg", "item_too_heavy"),
        (rworld.body(rworld.day, window_end="08:00"), 422, "window_end", "out_of_range"),
        (
            rworld.body(rworld.day, items=[{"category": "sofa", "count": 1, "weight_kg": 3}]),
            422,
            "items[0].category",
            "not_a_choice",
        ),
    ]
    for n, (body, status, field, code) in enumerate(cases):
        r = c.post("/api/v1/recycling/bookings", json=body, headers={"Idempotency-Key": f"k{n}"})
        assert (r.status_code, r.json()["field"], r.json()["code"]) == (status, field, code)
    assert _count(rworld) == (0, 0)


def test_consumer_sees_only_own_bookings_and_other_county_has_no_area(rworld: RWorld) -> None:
    mine = builders.api_client(rworld.db, "consumer.140521")
    created = mine.post(
        "/api/v1/recycling/bookings",
        json=rworld.body(rworld.day),
        headers={"Idempotency-Key": "b1"},
    ).json()
    other = builders.api_client(rworld.db, "consumer.371525")
    assert other.get(f"/api/v1/recycling/bookings/{created['id']}").status_code == 404
    r = other.post(
        "/api/v1/recycling/bookings",
        json=rworld.body(rworld.day, lat=36.48, lon=115.44),
        headers={"Idempotency-Key": "b2"},
    )
    assert r.status_code == 422 and r.json()["field"] == "jurisdiction_code"
    recycler = builders.api_client(rworld.db, "recycler.140521")
    assert (
        recycler.post("/api/v1/recycling/bookings", json=rworld.body(rworld.day)).status_code == 403
    )
