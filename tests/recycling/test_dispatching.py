"""Dispatch over the database: the day's plan is stored with ordered stops and ETAs, a
booking arriving during the day is inserted with started stops frozen, and bookings that
cannot be served are listed with the reason."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import select

import builders
from huanxin.core.clock import CHINA_TZ
from huanxin.recycling.models import Booking, PlanStop
from huanxin.recycling.service import bookings, dispatching

if TYPE_CHECKING:
    from conftest import RWorld

H = 3600
SPOTS = [(35.70, 112.20), (35.72, 112.15), (35.66, 112.22), (35.69, 112.25), (35.75, 112.19)]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHINA_TZ)


def _book(
    world: RWorld, lat: float, lon: float, start: int, end: int, *, now: datetime, kg: int = 20_000
) -> int:
    actor = world.actor("consumer.140521")
    new = bookings.BookingIn(
        "演示地址", lat, lon, world.day, start, end, [bookings.ItemIn("paper", 1, kg, "any")]
    )
    with world.db.unit_of_work() as s:
        return bookings.create_booking(s, actor, new, now=now).id


def _plan(world: RWorld) -> dict[str, object]:
    with world.db.unit_of_work() as s:
        plan = dispatching.plan_for_day(
            s,
            world.actor("office.140521"),
            jurisdiction_code="140521",
            day=world.day,
            seconds=2,
            iterations=200,
        )
        return asdict(dispatching.plan_view(s, plan))


def test_plan_stores_routes_and_lists_unserved_with_reason(rworld: RWorld) -> None:
    before = _at(rworld.day, 6)
    ids = [_book(rworld, lat, lon, 9 * H, 12 * H, now=before) for lat, lon in SPOTS]
    late = _book(rworld, 35.70, 112.20, 18 * H, 20 * H, now=before)  # after every shift
    c = builders.api_client(rworld.db, "office.140521")
    r = c.post(
        "/api/v1/recycling/plans",
        json={"jurisdiction_code": "140521", "service_date": rworld.day.isoformat(), "seconds": 1},
        headers={"Idempotency-Key": "p"},
    )
    assert r.status_code == 201, r.text
    plan = r.json()
    served = sorted(
        s["booking_id"] for route in plan["routes"] for s in route["stops"] if s["kind"] == "pickup"
    )
    assert served == ids
    assert plan["unserved"] == [
        {
            "booking_id": late,
            "code": "window_outside_shifts",
            "reason": "预约时间窗不在任何车辆的班次内",
        }
    ]
    for route in plan["routes"]:
        starts = [s["start_s"] for s in route["stops"]]
        assert starts == sorted(starts) and all(9 * H <= t <= 12 * H for t in starts)
    with rworld.db.sessions() as s:
        status = dict(s.execute(select(Booking.id, Booking.status)).all())
    assert status == {**dict.fromkeys(ids, "planned"), late: "unserved"}
    again = builders.api_client(rworld.db, "recycler.140521").get(
        "/api/v1/recycling/plans",
        params={"jurisdiction_code": "140521", "service_date": rworld.day.isoformat()},
    )
    assert again.json()["id"] == plan["id"] and again.json()["revision"] == 1


def test_live_insertion_keeps_started_stops_and_serves_new_booking(rworld: RWorld) -> None:
    ids = [_book(rworld, lat, lon, 8 * H, 10 * H, now=_at(rworld.day, 6)) for lat, lon in SPOTS[:3]]
    ids += [
        _book(rworld, lat, lon, 13 * H, 16 * H, now=_at(rworld.day, 6)) for lat, lon in SPOTS[3:]
    ]
    first = _plan(rworld)
    now = _at(rworld.day, 11)
    frozen = {
        (s["booking_id"], s["arrival_s"], s["start_s"])
        for r in first["routes"]  # type: ignore[attr-defined]
        for s in r["stops"]
        if s["start_s"] < 11 * H
    }
    assert len(frozen) == 3
    new_id = _book(rworld, 35.71, 112.21, 14 * H, 16 * H, now=now)
    with rworld.db.sessions() as s:
        plan = asdict(
            dispatching.plan_view(
                s,
                dispatching.find_plan(
                    s, rworld.actor("office.140521"), jurisdiction_code="140521", day=rworld.day
                ),
            )
        )
        assert s.get(Booking, new_id).status == "planned"  # type: ignore[union-attr]
    after = {
        (s["booking_id"], s["arrival_s"], s["start_s"])
        for r in plan["routes"]
        for s in r["stops"]
        if s["start_s"] < 11 * H
    }
    assert after == frozen and plan["revision"] == 2
    served = sorted(
        s["booking_id"] for r in plan["routes"] for s in r["stops"] if s["kind"] == "pickup"
    )
    assert served == sorted([*ids, new_id]) and plan["unserved"] == []


def test_cancelled_booking_leaves_the_plan_and_dispatch_needs_role(rworld: RWorld) -> None:
    ids = [_book(rworld, lat, lon, 9 * H, 12 * H, now=_at(rworld.day, 6)) for lat, lon in SPOTS[:2]]
    _plan(rworld)
    with rworld.db.unit_of_work() as s:
        bookings.cancel_booking(s, rworld.actor("consumer.140521"), ids[0])
    with rworld.db.sessions() as s:
        left = s.scalars(select(PlanStop.booking_id).where(PlanStop.kind == "pickup")).all()
    assert left == [ids[1]]
    consumer = builders.api_client(rworld.db, "consumer.140521")
    body = {"jurisdiction_code": "140521", "service_date": rworld.day.isoformat()}
    assert consumer.post("/api/v1/recycling/plans", json=body).status_code == 403
