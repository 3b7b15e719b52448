"""The day's plan: every rule re-checked independently, every unserved booking with a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from huanxin.core.errors import InvalidInput
from huanxin.recycling.dispatch.model import (
    Booking,
    DispatchPlan,
    DispatchProblem,
    Station,
    UnservedCode,
    Vehicle,
)
from huanxin.recycling.dispatch.solver import plan_day
from huanxin.recycling.dispatch.travel import MatrixServiceTravel, Point
from huanxin.recycling.dispatch.verify import plan_violations

H = 3600
A = Station("A", 30.60, 114.30, unload_s=600)
B = Station("B", 30.60, 114.40, unload_s=600)
V1 = Vehicle(
    "V1",
    "A",
    capacity_kg=100,
    capacity_m3=2.0,
    shift_start_s=8 * H,
    shift_end_s=12 * H,
    max_shift_s=4 * H,
)
V2 = Vehicle("V2", "B", capacity_kg=300, capacity_m3=1.0, shift_start_s=8 * H, shift_end_s=12 * H)


def booking(bid: str, lat: float, lon: float, **kw: float | int | bool) -> Booking:
    fields: dict[str, float | int | bool] = {
        "window_start_s": 8 * H,
        "window_end_s": 11 * H,
        "service_s": 300,
        "weight_kg": 20.0,
        "volume_m3": 0.1,
    }
    fields.update(kw)
    return Booking(bid, lat, lon, **fields)  # type: ignore[arg-type]


# Each needs a vehicle to itself (V1: 60 kg × 2 > 100 kg; V2: 0.6 m³ × 2 > 1 m³): 3 pickups,
# 2 vehicles → at least one unloading trip.
LOADS = [
    booking(f"P{i}", 30.61 + 0.005 * i, 114.32, weight_kg=60.0, volume_m3=0.6) for i in range(3)
]
# Three 5-minute windows at 09:00, 5 km apart: two vehicles cannot serve all three.
RUSH = [
    booking(f"F{i}", 30.65, 114.30 + 0.05 * i, window_start_s=9 * H, window_end_s=9 * H + 300)
    for i in range(3)
]
IMPOSSIBLE = {
    "HEAVY": (booking("HEAVY", 30.61, 114.31, weight_kg=400.0), UnservedCode.TOO_HEAVY),
    "BULKY": (booking("BULKY", 30.61, 114.31, volume_m3=3.0), UnservedCode.TOO_BULKY),
    "EVENING": (
        booking("EVENING", 30.61, 114.31, window_start_s=19 * H, window_end_s=20 * H),
        UnservedCode.WINDOW_OUTSIDE_SHIFTS,
    ),
    "FAR": (booking("FAR", 32.40, 114.30), UnservedCode.UNREACHABLE_IN_TIME),
}


def problem(bookings: Sequence[Booking]) -> DispatchProblem:
    return DispatchProblem((A, B), (V1, V2), tuple(bookings))


def test_plan_respects_every_rule_and_unloads_when_full() -> None:
    prob = problem(LOADS)
    plan = plan_day(prob, seconds=1.0, seed=1)
    assert plan.feasible
    assert plan_violations(prob, plan) == []
    assert plan.served_ids() == {"P0", "P1", "P2"}
    assert plan.unserved == ()
    assert sum(route.unloads for route in plan.routes) >= 1
    for route in plan.routes:
        unload_loads = [s.load_kg for s in route.stops if s.kind == "unload"]
        assert unload_loads == [0.0] * route.unloads


def test_impossible_bookings_are_reported_with_their_reason() -> None:
    bookings = [*LOADS, *(b for b, _ in IMPOSSIBLE.values())]
    plan = plan_day(problem(bookings), seconds=1.0, seed=1)
    reasons = {u.booking_id: u.code for u in plan.unserved}
    assert reasons == {bid: code for bid, (_, code) in IMPOSSIBLE.items()}
    assert (
        next(u.reason for u in plan.unserved if u.booking_id == "HEAVY")
        == "物品重量超过任何车辆的载重"
    )
    assert plan.served_ids() == {"P0", "P1", "P2"}
    assert plan_violations(problem(bookings), plan) == []


def test_fleet_shortage_is_reported_not_dropped() -> None:
    prob = problem(RUSH)
    plan = plan_day(prob, seconds=1.0, seed=1)
    assert plan_violations(prob, plan) == []
    unserved = {u.booking_id: u.code for u in plan.unserved}
    assert 1 <= len(unserved) <= 2
    assert set(unserved.values()) == {UnservedCode.FLEET_FULL}
    assert plan.served_ids() | unserved.keys() == {"F0", "F1", "F2"}


def test_arrivals_wait_for_the_window_and_leave_after_service() -> None:
    late = booking("L", 30.61, 114.31, window_start_s=10 * H, window_end_s=10 * H + 600)
    prob = problem([late])
    plan = plan_day(prob, seconds=0.5, seed=1)
    (route,) = plan.routes
    (stop,) = route.stops
    assert stop.start_s >= 10 * H and stop.start_s <= 10 * H + 600
    assert stop.end_s == stop.start_s + 300
    assert plan_violations(prob, plan) == []


def grid(points: Sequence[Point]) -> tuple[list[list[float]], list[list[float]]]:
    """A fake road network: Manhattan metres on a 100 km per degree grid, at 10 m/s."""
    dist = [[(abs(a[0] - b[0]) + abs(a[1] - b[1])) * 100_000 for b in points] for a in points]
    return dist, [[d / 10 for d in row] for row in dist]


def test_plugged_matrix_provider_is_used() -> None:
    prob = problem(LOADS)
    travel = MatrixServiceTravel(grid)
    plan = plan_day(prob, travel=travel, seconds=1.0, seed=1)
    assert plan_violations(prob, plan, travel=travel) == []
    first = plan.routes[0]
    home = A if first.home == "A" else B
    stop = first.stops[0]
    expected = round((abs(home.lat - stop.lat) + abs(home.lon - stop.lon)) * 100_000 / 10)
    assert stop.arrival_s - first.start_s == expected


def test_same_seed_and_iterations_give_the_same_plan() -> None:
    prob = problem([*LOADS, *RUSH])
    first = plan_day(prob, seconds=30.0, seed=4, iterations=300)
    second = plan_day(prob, seconds=30.0, seed=4, iterations=300)
    assert first == second
    assert plan_violations(prob, first) == []


def test_no_bookings_and_no_usable_vehicle() -> None:
    assert plan_day(problem([]), seconds=0.1) == DispatchPlan(())
    night = Vehicle("N", "A", capacity_kg=100, capacity_m3=1, shift_start_s=0, shift_end_s=300)
    prob = DispatchProblem((A,), (night,), (LOADS[0],))
    plan = plan_day(prob, seconds=0.1)
    assert plan.routes == ()
    assert [(u.booking_id, u.code) for u in plan.unserved] == [("P0", UnservedCode.FLEET_FULL)]


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: problem([LOADS[0], LOADS[0]]), "bookings", "编号重复：P0"),
        (
            lambda: booking("X", 30.6, 114.3, window_start_s=10 * H, window_end_s=9 * H),
            "window_end_s",
            "时间窗结束早于开始",
        ),
        (lambda: booking("X", 30.6, 114.3, weight_kg=-1.0), "weight_kg", "不能为负数"),
        (lambda: DispatchProblem((A,), (V2,), ()), "home", "所属中转站 B 不存在"),
        (lambda: Vehicle("Z", "A", 0, 1, 0, 10), "capacity_kg", "必须为正数"),
    ],
)
def test_bad_input_names_the_field(build: Callable[[], object], field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        build()
    assert info.value.field == field
    assert fragment in info.value.message
