"""The day's pickup plan with PyVRP: time windows, weight and volume, shifts, unloading trips.

Each vehicle starts and ends at its home transfer station and may unload at any transfer
station in between (PyVRP 0.14 reload depots, unlimited reloads; the unloading time is the
station's service time there, and the final unloading at home must fit in the shift).
Bookings are optional clients with a prize larger than any detour, so the solver serves
every booking it can; the others come back as ``fleet_full``. Bookings that no vehicle could
ever serve are filtered out first with a precise reason (see ``precheck``). A booking marked
``required`` is a required client: if it cannot be fitted the plan is reported infeasible.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from huanxin.recycling.dispatch.legs import Leg, LegRoute, LegsModel, home_leg, solve_legs
from huanxin.recycling.dispatch.model import (
    Booking,
    DispatchPlan,
    DispatchProblem,
    Unserved,
    UnservedCode,
    VehicleRoute,
)
from huanxin.recycling.dispatch.precheck import capacity_reason, time_reason
from huanxin.recycling.dispatch.travel import HaversineTravel, TravelMatrices, TravelMatrix


def plan_day(
    problem: DispatchProblem,
    *,
    travel: TravelMatrix | None = None,
    seconds: float = 10.0,
    seed: int = 1,
    iterations: int | None = None,
) -> DispatchPlan:
    """Plan the whole day for all vehicles and bookings.

    The seed is fixed; pass ``iterations`` for a plan that does not depend on machine speed
    (the time limit still caps the run).
    """
    stations = list(problem.stations)
    legs = [home_leg(v, problem.station(v.home)) for v in problem.vehicles]
    legs = [leg for leg in legs if leg.is_usable()]
    if not legs:
        missing = [b.id for b in problem.bookings]
        return DispatchPlan((), unserved_list(problem.bookings, {}, missing), feasible=True)
    points = [s.point for s in stations] + [b.point for b in problem.bookings]
    matrices = (travel or HaversineTravel()).matrices(points)
    rows = {s.id: i for i, s in enumerate(stations)}
    start_rows = [rows[leg.home.id] for leg in legs]
    booking_rows = [len(stations) + i for i in range(len(problem.bookings))]
    rejected = precheck(
        problem.bookings,
        legs,
        matrices,
        start_rows=start_rows,
        home_rows=start_rows,
        booking_rows=booking_rows,
    )
    kept = [i for i, b in enumerate(problem.bookings) if b.id not in rejected]
    index = np.array(list(range(len(stations))) + [booking_rows[i] for i in kept], dtype=np.int64)
    grid = np.ix_(index, index)
    sub = TravelMatrices(matrices.distance_m[grid], matrices.duration_s[grid])
    if not kept:
        return DispatchPlan((), unserved_list(problem.bookings, rejected, []), feasible=True)
    model = LegsModel(stations, legs, [problem.bookings[i] for i in kept], sub)
    outcome = solve_legs(model, seconds=seconds, seed=seed, iterations=iterations)
    return DispatchPlan(
        routes=tuple(to_vehicle_route(r) for r in outcome.routes if r.stops),
        unserved=unserved_list(problem.bookings, rejected, outcome.unplanned),
        feasible=outcome.feasible,
    )


def to_vehicle_route(route: LegRoute) -> VehicleRoute:
    leg = route.leg
    return VehicleRoute(
        leg.vehicle.id, leg.home.id, route.start_s, route.end_s, route.distance_m, route.stops
    )


def unserved_list(
    bookings: Sequence[Booking], rejected: dict[str, UnservedCode], unplanned: Sequence[str]
) -> tuple[Unserved, ...]:
    """Every booking not in the plan, in booking order, with its reason."""
    missing = set(unplanned)
    result = []
    for booking in bookings:
        if booking.id in rejected:
            result.append(Unserved.of(booking.id, rejected[booking.id]))
        elif booking.id in missing:
            result.append(Unserved.of(booking.id, UnservedCode.FLEET_FULL))
    return tuple(result)


def precheck(
    bookings: Sequence[Booking],
    legs: Sequence[Leg],
    matrices: TravelMatrices,
    *,
    start_rows: Sequence[int],
    home_rows: Sequence[int],
    booking_rows: Sequence[int],
) -> dict[str, UnservedCode]:
    """Bookings no leg can serve, by id, with the reason. Rows index ``matrices``."""
    reaches = [leg.reach() for leg in legs]
    vehicles = [leg.vehicle for leg in legs]
    starts = np.asarray(start_rows, dtype=np.int64)
    homes = np.asarray(home_rows, dtype=np.int64)
    rejected: dict[str, UnservedCode] = {}
    for booking, row in zip(bookings, booking_rows, strict=True):
        code = capacity_reason(booking, vehicles)
        if code is None:
            out = matrices.duration_s[starts, row].tolist()
            back = matrices.duration_s[row, homes].tolist()
            code = time_reason(booking, reaches, out_s=out, back_s=back)
        if code is not None:
            rejected[booking.id] = code
    return rejected
