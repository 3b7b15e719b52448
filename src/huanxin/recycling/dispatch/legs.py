"""Solving a set of vehicle legs over a set of bookings with PyVRP, and reading the result.

A ``Leg`` is what one vehicle still has to drive: the whole day for ``plan_day``, or the
not-yet-served rest of its route for live insertion. Matrix layout (rows and columns):
stations first, then the start points of legs that do not start at a station, then the
bookings. Depots: for each station a plain depot (start/end, no service time), then for
each station an unloading depot (service time = unloading time, used as reload depot),
then one depot per leg start point.

Solver units: metres, seconds, 0.1 kg and litres (integers; capacities rounded down and
loads rounded up, so a plan feasible for PyVRP is feasible in kg and m³).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from pyvrp import (
    Activity,
    ActivityType,
    Client,
    Depot,
    Location,
    ProblemData,
    Route,
    Solution,
    VehicleType,
    solve,
)
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from huanxin.recycling.dispatch.model import Booking, Station, Stop, StopKind, Vehicle
from huanxin.recycling.dispatch.precheck import Reach
from huanxin.recycling.dispatch.travel import Point, TravelMatrices, pyvrp_matrices

UNITS_PER_KG = 10
LITRES_PER_M3 = 1000
_EPS = 1e-9


@dataclass(frozen=True)
class Leg:
    """A vehicle's remaining work: start place and time, load on board, deadlines.

    ``start_station`` is set when the leg starts at a station, otherwise it starts at
    ``start_point`` (the vehicle's last frozen stop) and ``latest_start_s`` equals
    ``earliest_s``. ``warm`` is the stop sequence planned so far (solver warm start).
    """

    vehicle: Vehicle
    home: Station
    start_point: Point
    start_station: str | None
    earliest_s: int
    latest_start_s: int
    max_duration_s: int | None
    load_kg: float = 0.0
    load_m3: float = 0.0
    warm: tuple[Stop, ...] = field(default=(), compare=False)

    def reach(self) -> Reach:
        """Deadlines for the precheck; the final unloading at home must fit in the shift."""
        unload = self.home.unload_s
        max_duration = None if self.max_duration_s is None else self.max_duration_s - unload
        shift_end = self.vehicle.shift_end_s - unload
        return Reach(self.vehicle, self.earliest_s, self.latest_start_s, shift_end, max_duration)

    def is_usable(self) -> bool:
        """Whether any time is left: the leg can start before its deadlines."""
        reach = self.reach()
        duration_left = reach.max_duration_s is None or reach.max_duration_s > 0
        return self.earliest_s < reach.shift_end_s and duration_left

    def group_key(self) -> tuple[object, ...]:
        v = self.vehicle
        where = (self.home.id, self.start_point, self.start_station)
        when = (self.earliest_s, self.latest_start_s, self.max_duration_s, v.shift_end_s)
        return (*where, *when, self.load_kg, self.load_m3, v.capacity_kg, v.capacity_m3)


def home_leg(vehicle: Vehicle, home: Station, *, earliest_s: int | None = None) -> Leg:
    """A vehicle at its home station, free to leave from ``earliest_s`` (default shift start)."""
    start = vehicle.shift_start_s if earliest_s is None else max(earliest_s, vehicle.shift_start_s)
    return Leg(vehicle, home, home.point, home.id, start, vehicle.shift_end_s, vehicle.max_shift_s)


@dataclass(frozen=True)
class LegRoute:
    """The solver's answer for one leg: the stops after the leg start."""

    leg: Leg
    start_s: int
    end_s: int
    distance_m: int
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class LegsOutcome:
    routes: tuple[LegRoute, ...]
    unplanned: tuple[str, ...]
    feasible: bool


def layout_points(
    stations: Sequence[Station], legs: Sequence[Leg], bookings: Sequence[Booking]
) -> list[Point]:
    """Points in matrix order: stations, off-station leg starts, bookings."""
    starts = [leg.start_point for leg in legs if leg.start_station is None]
    return [s.point for s in stations] + starts + [b.point for b in bookings]


class LegsModel:
    """PyVRP data for legs and bookings, with the maps needed to read a solution back."""

    def __init__(
        self,
        stations: Sequence[Station],
        legs: Sequence[Leg],
        bookings: Sequence[Booking],
        matrices: TravelMatrices,
    ) -> None:
        self.stations = list(stations)
        self.legs = list(legs)
        self.bookings = list(bookings)
        self.matrices = matrices
        self.station_row = {s.id: i for i, s in enumerate(self.stations)}
        self.start_row = self._start_rows()
        off_station = sum(1 for leg in legs if leg.start_station is None)
        self.booking_offset = len(self.stations) + off_station
        self.groups = self._group_legs()
        self.data = self._data()

    def _start_rows(self) -> list[int]:
        rows, extra = [], len(self.stations)
        for leg in self.legs:
            if leg.start_station is None:
                rows.append(extra)
                extra += 1
            else:
                rows.append(self.station_row[leg.start_station])
        return rows

    def _group_legs(self) -> list[list[int]]:
        groups: dict[tuple[object, ...], list[int]] = {}
        for idx, leg in enumerate(self.legs):
            groups.setdefault(leg.group_key(), []).append(idx)
        return list(groups.values())

    def start_depot(self, leg_idx: int) -> int:
        leg = self.legs[leg_idx]
        if leg.start_station is not None:
            return self.station_row[leg.start_station]
        return 2 * len(self.stations) + self.start_row[leg_idx] - len(self.stations)

    def _data(self) -> ProblemData:
        stations, n_st = self.stations, len(self.stations)
        points = layout_points(self.stations, self.legs, self.bookings)
        locations = [Location(x=lon, y=lat) for lat, lon in points]
        depots = [Depot(location=i) for i in range(n_st)]
        depots += [Depot(location=i, service_duration=s.unload_s) for i, s in enumerate(stations)]
        depots += [Depot(location=row) for row in range(n_st, self.booking_offset)]
        prize = 4 * int(self.matrices.distance_m.max(initial=0)) + 1000
        clients = [self._client(i, b, prize) for i, b in enumerate(self.bookings)]
        types = [self._vehicle_type(group) for group in self.groups]
        return ProblemData(
            locations=locations,
            clients=clients,
            depots=depots,
            vehicle_types=types,
            distance_matrices=pyvrp_matrices(self.matrices.distance_m),
            duration_matrices=pyvrp_matrices(self.matrices.duration_s),
        )

    def _client(self, idx: int, booking: Booking, prize: int) -> Client:
        return Client(
            location=self.booking_offset + idx,
            pickup=_loads(booking.weight_kg, booking.volume_m3),
            service_duration=booking.service_s,
            tw_early=booking.window_start_s,
            tw_late=booking.window_end_s,
            prize=0 if booking.required else prize,
            required=booking.required,
            name=booking.id,
        )

    def _vehicle_type(self, group: list[int]) -> VehicleType:
        leg = self.legs[group[0]]
        v, n_st = leg.vehicle, len(self.stations)
        reach = leg.reach()
        duration = reach.max_duration_s
        if duration is None:
            duration = int(np.iinfo(np.int64).max)
        return VehicleType(
            num_available=len(group),
            capacity=[
                _cap_units(v.capacity_kg, UNITS_PER_KG),
                _cap_units(v.capacity_m3, LITRES_PER_M3),
            ],
            start_depot=self.start_depot(group[0]),
            end_depot=self.station_row[leg.home.id],
            tw_early=leg.earliest_s,
            tw_late=reach.shift_end_s,
            start_late=min(leg.latest_start_s, reach.shift_end_s),
            shift_duration=duration,
            initial_load=_loads(leg.load_kg, leg.load_m3),
            reload_depots=list(range(n_st, 2 * n_st)),
            name=v.id,
        )

    def warm_solution(self) -> Solution | None:
        """The legs' planned stops as a PyVRP solution, or None when nothing is planned."""
        booking_idx = {b.id: i for i, b in enumerate(self.bookings)}
        n_st = len(self.stations)
        routes = []
        for type_idx, group in enumerate(self.groups):
            for leg_idx in group:
                warm = self.legs[leg_idx].warm
                acts = [_activity(s, booking_idx, self.station_row, n_st) for s in warm]
                if acts:
                    routes.append(Route(self.data, acts, type_idx))
        return Solution(self.data, routes) if routes else None

    def warm_distance(self, leg_idx: int) -> int:
        """Metres from the leg start through its planned stops to home."""
        booking_row = {b.id: self.booking_offset + i for i, b in enumerate(self.bookings)}
        rows = [self.start_row[leg_idx]]
        for stop in self.legs[leg_idx].warm:
            is_pickup = stop.kind == "pickup"
            rows.append(booking_row[stop.ref] if is_pickup else self.station_row[stop.ref])
        rows.append(self.station_row[self.legs[leg_idx].home.id])
        distance = self.matrices.distance_m
        return sum(int(distance[a, b]) for a, b in itertools.pairwise(rows))

    def home_trip(self, leg_idx: int) -> tuple[int, int]:
        """Metres and seconds straight home from the leg start."""
        start, home = self.start_row[leg_idx], self.station_row[self.legs[leg_idx].home.id]
        return int(self.matrices.distance_m[start, home]), int(
            self.matrices.duration_s[start, home]
        )

    def decode(self, solution: Solution) -> LegsOutcome:
        by_type: dict[int, list[Route]] = {}
        for route in solution.routes():
            by_type.setdefault(route.vehicle_type(), []).append(route)
        result = []
        for type_idx, group in enumerate(self.groups):
            for leg_idx, route in zip(group, by_type.get(type_idx, []), strict=False):
                result.append(self._leg_route(leg_idx, route))
        unplanned = tuple(self.bookings[a.idx].id for a in solution.unplanned() if a.is_client())
        return LegsOutcome(tuple(result), unplanned, solution.is_feasible())

    def _leg_route(self, leg_idx: int, route: Route) -> LegRoute:
        leg = self.legs[leg_idx]
        kg, m3 = leg.load_kg, leg.load_m3
        prev_row, prev_end = self.start_row[leg_idx], route.start_time()
        stops = []
        for act in list(route)[1:-1]:
            row, kind, ref, lat, lon = self._place(act)
            if kind == "pickup":
                booking = self.bookings[act.idx]
                kg, m3 = kg + booking.weight_kg, m3 + booking.volume_m3
            else:
                kg, m3 = 0.0, 0.0
            arrival = prev_end + int(self.matrices.duration_s[prev_row, row])
            times = (arrival, act.start_time, act.end_time)
            stops.append(Stop(kind, ref, lat, lon, *times, round(kg, 3), round(m3, 3)))
            prev_row, prev_end = row, act.end_time
        distance = route.distance()
        return LegRoute(leg, route.start_time(), route.end_time(), distance, tuple(stops))

    def _place(self, act: Activity) -> tuple[int, StopKind, str, float, float]:
        """Matrix row, stop kind, reference and coordinates of a visited activity."""
        if act.is_client():
            booking = self.bookings[act.idx]
            return self.booking_offset + act.idx, "pickup", booking.id, booking.lat, booking.lon
        row = act.idx - len(self.stations)
        station = self.stations[row]
        return row, "unload", station.id, station.lat, station.lon


def _activity(
    stop: Stop, booking_idx: dict[str, int], station_row: dict[str, int], n_st: int
) -> Activity:
    if stop.kind == "pickup":
        return Activity(ActivityType.CLIENT, booking_idx[stop.ref])
    return Activity(ActivityType.DEPOT, n_st + station_row[stop.ref])


def solve_legs(
    model: LegsModel, *, seconds: float, seed: int, iterations: int | None = None
) -> LegsOutcome:
    """Run PyVRP for ``seconds`` (fixed seed), warm-started from the legs' planned stops.

    With ``iterations`` the search also stops after that many iterations; a run that ends
    on the iteration count is reproducible for the seed, whatever the machine's speed.
    """
    stop: StoppingCriterion = MaxRuntime(seconds)
    if iterations is not None:
        stop = MultipleCriteria([MaxIterations(iterations), MaxRuntime(seconds)])
    result = solve(
        model.data,
        stop,
        seed=seed,
        collect_stats=False,
        display=False,
        initial_solution=model.warm_solution(),
    )
    return model.decode(result.best)


def _loads(kg: float, m3: float) -> list[int]:
    return [_load_units(kg, UNITS_PER_KG), _load_units(m3, LITRES_PER_M3)]


def _load_units(amount: float, per_unit: int) -> int:
    return max(0, math.ceil(amount * per_unit - _EPS))


def _cap_units(amount: float, per_unit: int) -> int:
    return max(0, math.floor(amount * per_unit + _EPS))
