"""Live insertion: frozen stops never move, promised bookings stay served, reasons reported."""

from __future__ import annotations

import dataclasses

import pytest

from huanxin.core.errors import InvalidInput
from huanxin.recycling.dispatch.live import frozen_count, insert_booking
from huanxin.recycling.dispatch.model import (
    Booking,
    DispatchPlan,
    DispatchProblem,
    Stop,
    UnservedCode,
    VehicleRoute,
)
from huanxin.recycling.dispatch.solver import plan_day
from huanxin.recycling.dispatch.synthetic import county_problem
from huanxin.recycling.dispatch.verify import plan_violations

H = 3600
NOW = 11 * H


@pytest.fixture(scope="module")
def day() -> tuple[DispatchProblem, DispatchPlan]:
    problem = county_problem(60, 4, seed=3)
    return problem, plan_day(problem, seconds=1.0, seed=1)


def new_booking(problem: DispatchProblem, bid: str, **kw: float | int) -> Booking:
    station = problem.stations[0]
    fields: dict[str, float | int] = {
        "window_start_s": NOW + 1800,
        "window_end_s": 17 * H,
        "service_s": 300,
        "weight_kg": 10.0,
        "volume_m3": 0.1,
    }
    fields.update(kw)
    return Booking(bid, station.lat + 0.01, station.lon + 0.01, **fields)  # type: ignore[arg-type]


def frozen(plan: DispatchPlan, now: int) -> dict[str, tuple[Stop, ...]]:
    return {r.vehicle_id: r.stops[: frozen_count(r, now)] for r in plan.routes}


def stop(ref: str, start: int, end: int) -> Stop:
    return Stop("pickup", ref, 30.6, 114.3, start, start, end, 1.0, 0.1)


def test_frozen_count_counts_stops_the_vehicle_is_driving_to() -> None:
    route = VehicleRoute("V", "A", 100, 900, 0, (stop("a", 200, 300), stop("b", 400, 500)))
    assert [frozen_count(route, t) for t in (99, 100, 299, 300, 499, 500)] == [0, 1, 1, 2, 2, 2]


def test_insertion_keeps_frozen_stops_and_promises(
    day: tuple[DispatchProblem, DispatchPlan],
) -> None:
    problem, plan = day
    before = frozen(plan, NOW)
    assert any(before.values()), "the fixture day must have started at 11:00"
    result = insert_booking(problem, plan, new_booking(problem, "NEW1"), now_s=NOW, seconds=0.3)
    assert result.served and result.unserved is None
    assert "NEW1" in result.plan.served_ids()
    assert plan.served_ids() <= result.plan.served_ids()
    for route in result.plan.routes:
        kept = before.get(route.vehicle_id, ())
        assert route.stops[: len(kept)] == kept
        assert all(a is b for a, b in zip(route.stops, kept, strict=False))
    assert {r.vehicle_id for r in plan.routes} <= {r.vehicle_id for r in result.plan.routes}
    assert result.problem.bookings[-1].id == "NEW1"
    assert plan_violations(result.problem, result.plan) == []
    new_stop = next(s for r in result.plan.routes for s in r.stops if s.ref == "NEW1")
    assert new_stop.start_s >= NOW


def test_successive_insertions_stay_valid(day: tuple[DispatchProblem, DispatchPlan]) -> None:
    problem, plan = day
    now = NOW
    for i in range(3):
        before = frozen(plan, now)
        booking = new_booking(problem, f"SEQ{i}", window_start_s=now + 900)
        result = insert_booking(problem, plan, booking, now_s=now, seconds=0.2)
        for route in result.plan.routes:
            kept = before.get(route.vehicle_id, ())
            assert route.stops[: len(kept)] == kept
        assert plan.served_ids() <= result.plan.served_ids()
        problem, plan, now = result.problem, result.plan, now + 1200
        assert plan_violations(problem, plan) == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"window_start_s": 9 * H, "window_end_s": 10 * H}, UnservedCode.WINDOW_PASSED),
        ({"weight_kg": 5000.0}, UnservedCode.TOO_HEAVY),
        ({"volume_m3": 50.0}, UnservedCode.TOO_BULKY),
        ({"window_start_s": 19 * H, "window_end_s": 20 * H}, UnservedCode.WINDOW_OUTSIDE_SHIFTS),
    ],
)
def test_refused_insertion_reports_reason_and_changes_nothing(
    day: tuple[DispatchProblem, DispatchPlan], changes: dict[str, float], code: UnservedCode
) -> None:
    problem, plan = day
    booking = dataclasses.replace(new_booking(problem, "NO"), **changes)  # type: ignore[arg-type]
    result = insert_booking(problem, plan, booking, now_s=NOW)
    assert not result.served
    assert result.unserved is not None and result.unserved.code == code
    assert result.plan.routes == plan.routes
    assert result.plan.unserved == (*plan.unserved, result.unserved)
    assert plan_violations(result.problem, result.plan) == []


@pytest.mark.parametrize("idle_s", [1, 3600])
def test_vehicle_heading_home_or_idle_may_go_out_again(idle_s: int) -> None:
    county = county_problem(1, 1, seed=5)
    early = new_booking(county, "EARLY", window_start_s=8 * H, window_end_s=9 * H)
    problem = dataclasses.replace(county, bookings=(early,))
    plan = plan_day(problem, seconds=0.3, seed=1)
    (route,) = plan.routes
    now = route.stops[-1].end_s + idle_s  # driving home, or idle at home for an hour
    booking = new_booking(problem, "AFTER", window_start_s=now, window_end_s=17 * H)
    result = insert_booking(problem, plan, booking, now_s=now, seconds=0.2)
    (after,) = result.plan.routes
    assert result.served
    assert after.stops[: len(route.stops)] == route.stops
    home_stop = after.stops[len(route.stops)]
    assert (home_stop.kind, home_stop.ref, home_stop.arrival_s) == (
        "unload",
        route.home,
        route.end_s,
    )
    assert home_stop.end_s == max(route.end_s + 900, now)
    assert after.stops[-1].ref == "AFTER"
    assert plan_violations(result.problem, result.plan) == []


def test_duplicate_booking_id_is_refused(day: tuple[DispatchProblem, DispatchPlan]) -> None:
    problem, plan = day
    taken = problem.bookings[0].id
    with pytest.raises(InvalidInput, match=f"预约编号已存在：{taken}"):
        insert_booking(problem, plan, new_booking(problem, taken), now_s=NOW)
