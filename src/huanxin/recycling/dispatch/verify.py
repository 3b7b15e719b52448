"""An independent check of a dispatch plan against its problem (no PyVRP involved).

Recomputes every arrival from the travel matrix and reports each broken rule as a
readable string: time windows, shift start/end, maximum shift duration, weight and volume
capacity between unloading trips, the route distance, and that every booking is either
served exactly once or listed as unserved exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from huanxin.recycling.dispatch.model import DispatchPlan, DispatchProblem, VehicleRoute
from huanxin.recycling.dispatch.travel import HaversineTravel, TravelMatrix

_EPS = 1e-6


def plan_violations(
    problem: DispatchProblem, plan: DispatchPlan, *, travel: TravelMatrix | None = None
) -> list[str]:
    """Every rule the plan breaks; an empty list means the plan is valid."""
    travel = travel or HaversineTravel()
    problems = list(_coverage(problem, plan))
    for route in plan.routes:
        problems += _route_violations(problem, route, travel)
    return problems


def _coverage(problem: DispatchProblem, plan: DispatchPlan) -> Iterator[str]:
    served = Counter(ref for r in plan.routes for ref in r.booking_ids)
    unserved = Counter(u.booking_id for u in plan.unserved)
    for booking in problem.bookings:
        count = served[booking.id] + unserved[booking.id]
        if count != 1:
            yield f"{booking.id}: served {served[booking.id]}×, unserved {unserved[booking.id]}×"
    known = {b.id for b in problem.bookings}
    for ref in (served + unserved).keys() - known:
        yield f"{ref}: not a booking of this problem"


def _route_violations(
    problem: DispatchProblem, route: VehicleRoute, travel: TravelMatrix
) -> list[str]:
    vehicle = next(v for v in problem.vehicles if v.id == route.vehicle_id)
    home = problem.station(vehicle.home)
    points = [home.point, *((s.lat, s.lon) for s in route.stops), home.point]
    matrices = travel.matrices(points)
    tag = route.vehicle_id
    out = [] if route.start_s >= vehicle.shift_start_s else [f"{tag}: leaves before the shift"]
    prev_end, kg, m3 = route.start_s, 0.0, 0.0
    for idx, stop in enumerate(route.stops, start=1):
        arrival = prev_end + int(matrices.duration_s[idx - 1, idx])
        if stop.arrival_s != arrival or stop.start_s < arrival:
            out.append(f"{tag}/{stop.ref}: arrival {stop.arrival_s}, recomputed {arrival}")
        if stop.kind == "pickup":
            booking = problem.booking(stop.ref)
            kg, m3, service = kg + booking.weight_kg, m3 + booking.volume_m3, booking.service_s
            window = (booking.window_start_s, booking.window_end_s)
            if not window[0] <= stop.start_s <= window[1]:
                out.append(f"{tag}/{stop.ref}: starts at {stop.start_s}, outside {window}")
        else:
            kg, m3, service = 0.0, 0.0, problem.station(stop.ref).unload_s
        if stop.end_s != stop.start_s + service:
            out.append(f"{tag}/{stop.ref}: service does not last {service} s")
        if kg > vehicle.capacity_kg + _EPS or m3 > vehicle.capacity_m3 + _EPS:
            out.append(f"{tag}/{stop.ref}: load {kg:.1f} kg / {m3:.2f} m³ over capacity")
        prev_end = stop.end_s
    last = len(points) - 1
    back = prev_end + int(matrices.duration_s[last - 1, last])
    distance = sum(int(matrices.distance_m[i, i + 1]) for i in range(last))
    return out + _ending(problem, route, back=back, distance=distance)


def _ending(
    problem: DispatchProblem, route: VehicleRoute, *, back: int, distance: int
) -> list[str]:
    """Return home, final unloading inside the shift, shift length and distance."""
    vehicle = next(v for v in problem.vehicles if v.id == route.vehicle_id)
    done = back + problem.station(vehicle.home).unload_s
    tag, out = route.vehicle_id, []
    if route.end_s != back:
        out.append(f"{tag}: back home at {route.end_s}, recomputed {back}")
    if done > vehicle.shift_end_s:
        out.append(f"{tag}: final unloading ends at {done}, after the shift")
    if vehicle.max_shift_s is not None and done - route.start_s > vehicle.max_shift_s:
        out.append(f"{tag}: shift lasts {done - route.start_s} s, over the maximum")
    if route.distance_m != distance:
        out.append(f"{tag}: distance {route.distance_m} m, recomputed {distance} m")
    return out
