"""Inserting a booking that arrives during the day into the live plan.

A stop is *frozen* once the vehicle has started driving to it (or is serving it): the
driver is not diverted. Each vehicle's remaining work becomes a ``Leg`` that starts at its
last frozen stop, when it leaves that stop, with the load it has on board (or at its home
station if it has not left yet, or once it is committed to driving home). Only the
not-yet-started part is re-optimised, and only for the few vehicles nearest to the new
booking (``nearby_vehicles``); their pending bookings stay required, so the old plan is a
feasible warm start and nobody already promised is dropped. Frozen stops are copied
unchanged into the new plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from huanxin.core.errors import NotUnique
from huanxin.recycling.dispatch.legs import (
    Leg,
    LegRoute,
    LegsModel,
    home_leg,
    layout_points,
    solve_legs,
)
from huanxin.recycling.dispatch.model import (
    Booking,
    DispatchPlan,
    DispatchProblem,
    Station,
    Stop,
    Unserved,
    UnservedCode,
    Vehicle,
    VehicleRoute,
)
from huanxin.recycling.dispatch.precheck import capacity_reason, fits, reachable, time_reason
from huanxin.recycling.dispatch.solver import to_vehicle_route
from huanxin.recycling.dispatch.travel import HaversineTravel, TravelMatrix


@dataclass(frozen=True)
class InsertResult:
    """The new plan, the problem with the booking added, and what happened to it."""

    plan: DispatchPlan
    problem: DispatchProblem
    served: bool
    unserved: Unserved | None


@dataclass(frozen=True)
class LiveLeg:
    """A vehicle's remaining work at ``now`` and the frozen part of its route."""

    leg: Leg
    route: VehicleRoute | None
    frozen: tuple[Stop, ...]
    via_home: Stop | None = None


def frozen_count(route: VehicleRoute, now_s: int) -> int:
    """Number of leading stops the vehicle has started driving to by ``now_s``."""
    count, prev_end = 0, route.start_s
    for stop in route.stops:
        if prev_end > now_s:
            break
        count, prev_end = count + 1, stop.end_s
    return count


def live_leg(vehicle: Vehicle, home: Station, route: VehicleRoute | None, now_s: int) -> LiveLeg:
    """Where and when ``vehicle`` can continue, given its planned route and the time."""
    if route is None or route.start_s > now_s:
        warm = route.stops if route else ()
        leg = dataclasses.replace(home_leg(vehicle, home, earliest_s=now_s), warm=warm)
        return LiveLeg(leg, route, ())
    count = frozen_count(route, now_s)
    frozen = route.stops[:count]
    last = frozen[-1]
    if count == len(route.stops) and last.end_s <= now_s:
        return _heading_home(vehicle, home, route, now_s)
    leg = Leg(
        vehicle,
        home,
        (last.lat, last.lon),
        None,
        last.end_s,
        last.end_s,
        _remaining(vehicle, route, last.end_s),
        last.load_kg,
        last.load_m3,
        route.stops[count:],
    )
    return LiveLeg(leg, route, frozen)


def _heading_home(vehicle: Vehicle, home: Station, route: VehicleRoute, now_s: int) -> LiveLeg:
    """The vehicle is driving home (or is home): it unloads there and may go out again.

    An idle vehicle is modelled as waiting at home and unloading just before ``now_s``, so
    that it is ready at ``now_s``.
    """
    arrival = route.end_s
    start = max(arrival, now_s - home.unload_s)
    stop = Stop("unload", home.id, home.lat, home.lon, arrival, start, start + home.unload_s, 0, 0)
    remaining = _remaining(vehicle, route, stop.end_s)
    leg = Leg(vehicle, home, home.point, home.id, stop.end_s, stop.end_s, remaining)
    return LiveLeg(leg, route, route.stops, via_home=stop)


def _remaining(vehicle: Vehicle, route: VehicleRoute, from_s: int) -> int | None:
    if vehicle.max_shift_s is None:
        return None
    return vehicle.max_shift_s - (from_s - route.start_s)


def insert_booking(
    problem: DispatchProblem,
    plan: DispatchPlan,
    booking: Booking,
    *,
    now_s: int,
    travel: TravelMatrix | None = None,
    seconds: float = 0.25,
    seed: int = 1,
    nearby_vehicles: int = 4,
) -> InsertResult:
    """Insert ``booking`` into ``plan`` at time ``now_s`` and re-optimise nearby vehicles."""
    if any(b.id == booking.id for b in problem.bookings):
        raise NotUnique(f"预约编号已存在：{booking.id}", field="id")
    travel = travel or HaversineTravel()
    grown = dataclasses.replace(problem, bookings=(*problem.bookings, booking))
    lives = [
        live_leg(v, problem.station(v.home), plan.route_of(v.id), now_s) for v in problem.vehicles
    ]
    lives = [live for live in lives if live.leg.is_usable()]
    chosen, code = _candidates(
        problem, booking, lives, now_s=now_s, travel=travel, limit=nearby_vehicles
    )
    if code is None:
        new_plan = _reoptimise(
            grown, plan, booking, chosen, travel=travel, seconds=seconds, seed=seed
        )
        if new_plan is not None:
            return InsertResult(new_plan, grown, True, None)
        code = UnservedCode.FLEET_FULL
    unserved = Unserved.of(booking.id, code)
    kept = dataclasses.replace(plan, unserved=(*plan.unserved, unserved))
    return InsertResult(kept, grown, False, unserved)


def _candidates(
    problem: DispatchProblem,
    booking: Booking,
    lives: list[LiveLeg],
    *,
    now_s: int,
    travel: TravelMatrix,
    limit: int,
) -> tuple[list[LiveLeg], UnservedCode | None]:
    """The ``limit`` legs that can reach the booking soonest, or the reason none can."""
    if booking.window_end_s < now_s:
        return [], UnservedCode.WINDOW_PASSED
    code = capacity_reason(booking, list(problem.vehicles))
    if code is not None or not lives:
        return [], code or UnservedCode.FLEET_FULL
    starts = [live.leg.start_point for live in lives]
    points = [booking.point, *starts, *(s.point for s in problem.stations)]
    duration = travel.matrices(points).duration_s
    rows = {s.id: 1 + len(lives) + i for i, s in enumerate(problem.stations)}
    out = [int(duration[1 + i, 0]) for i in range(len(lives))]
    back = [int(duration[0, rows[live.leg.home.id]]) for live in lives]
    reaches = [live.leg.reach() for live in lives]
    code = time_reason(booking, reaches, out_s=out, back_s=back)
    if code is not None:
        return [], code
    able = [
        i
        for i, live in enumerate(lives)
        if fits(booking, live.leg.vehicle)
        and reachable(booking, reaches[i], out_s=out[i], back_s=back[i])
    ]
    able.sort(key=lambda i: out[i])
    return [lives[i] for i in able[:limit]], None


def _reoptimise(
    problem: DispatchProblem,
    plan: DispatchPlan,
    booking: Booking,
    chosen: list[LiveLeg],
    *,
    travel: TravelMatrix,
    seconds: float,
    seed: int,
) -> DispatchPlan | None:
    """New plan with ``booking`` served by one of ``chosen``, or None if it does not fit."""
    by_id = {b.id: b for b in problem.bookings}
    pending = [
        dataclasses.replace(by_id[stop.ref], required=True)
        for live in chosen
        for stop in live.leg.warm
        if stop.kind == "pickup"
    ]
    legs = [live.leg for live in chosen]
    matrices = travel.matrices(layout_points(problem.stations, legs, [*pending, booking]))
    model = LegsModel(problem.stations, legs, [*pending, booking], matrices)
    outcome = solve_legs(model, seconds=seconds, seed=seed)
    if not outcome.feasible or booking.id in outcome.unplanned:
        return None
    new_by_vehicle = {r.leg.vehicle.id: r for r in outcome.routes}
    merged: dict[str, VehicleRoute | None] = {}
    for idx, live in enumerate(chosen):
        new = new_by_vehicle.get(live.leg.vehicle.id)
        tails = (model.warm_distance(idx), *model.home_trip(idx))
        merged[live.leg.vehicle.id] = _merge(live, new, tails)
    routes = [merged.get(r.vehicle_id, r) for r in plan.routes]
    routes += [r for vid, r in merged.items() if plan.route_of(vid) is None]
    return dataclasses.replace(plan, routes=tuple(r for r in routes if r is not None))


def _merge(live: LiveLeg, new: LegRoute | None, tails: tuple[int, int, int]) -> VehicleRoute | None:
    """Frozen stops (the same objects) followed by the re-optimised rest.

    ``tails`` = metres of the leg as planned before (start → pending stops → home), then
    metres and seconds straight home from the leg start.
    """
    route = live.route
    if route is None or not live.frozen:
        return to_vehicle_route(new) if new is not None and new.stops else None
    if new is None or not new.stops:
        if live.via_home is not None or not live.leg.warm:
            return route
        warm_m, home_m, home_s = tails
        end_s = live.frozen[-1].end_s + home_s
        distance = route.distance_m - warm_m + home_m
        return dataclasses.replace(route, end_s=end_s, distance_m=distance, stops=live.frozen)
    if live.via_home is not None:
        stops = (*live.frozen, live.via_home, *new.stops)
        distance = route.distance_m + new.distance_m
        return dataclasses.replace(route, end_s=new.end_s, distance_m=distance, stops=stops)
    distance = route.distance_m - tails[0] + new.distance_m
    stops = (*live.frozen, *new.stops)
    return dataclasses.replace(route, end_s=new.end_s, distance_m=distance, stops=stops)
