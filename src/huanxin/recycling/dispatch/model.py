"""Plain data for one dispatch problem and its plan.

Times are seconds since midnight of the service day, distances metres, weights kg and
volumes m³. Nothing here knows about PyVRP or the database: the solver reads a
``DispatchProblem`` and returns a ``DispatchPlan``; the booking service maps its rows to
these objects and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from huanxin.core.errors import NotUnique, OutOfRange, UnknownReference
from huanxin.recycling.dispatch.travel import Point


@dataclass(frozen=True)
class Station:
    """A transfer station: vehicles start, unload and end there."""

    id: str
    lat: float
    lon: float
    unload_s: int = 900

    @property
    def point(self) -> Point:
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Vehicle:
    """A collection vehicle with its home station and shift."""

    id: str
    home: str
    capacity_kg: float
    capacity_m3: float
    shift_start_s: int
    shift_end_s: int
    max_shift_s: int | None = None

    def __post_init__(self) -> None:
        if self.capacity_kg <= 0 or self.capacity_m3 <= 0:
            raise OutOfRange(f"车辆 {self.id} 的载重和容积必须为正数", field="capacity_kg")
        if self.shift_end_s <= self.shift_start_s:
            raise OutOfRange(f"车辆 {self.id} 的班次结束时间须晚于开始时间", field="shift_end_s")
        if self.max_shift_s is not None and self.max_shift_s <= 0:
            raise OutOfRange(f"车辆 {self.id} 的最长班次时长必须为正数", field="max_shift_s")


@dataclass(frozen=True)
class Booking:
    """A doorstep pickup: service must start inside [window_start_s, window_end_s]."""

    id: str
    lat: float
    lon: float
    window_start_s: int
    window_end_s: int
    service_s: int
    weight_kg: float
    volume_m3: float
    required: bool = False

    def __post_init__(self) -> None:
        if self.window_end_s < self.window_start_s:
            raise OutOfRange(f"预约 {self.id} 的时间窗结束早于开始", field="window_end_s")
        if self.service_s < 0:
            raise OutOfRange(f"预约 {self.id} 的服务时长不能为负数", field="service_s")
        if self.weight_kg < 0 or self.volume_m3 < 0:
            raise OutOfRange(f"预约 {self.id} 的重量和体积不能为负数", field="weight_kg")

    @property
    def point(self) -> Point:
        return (self.lat, self.lon)


@dataclass(frozen=True)
class DispatchProblem:
    stations: tuple[Station, ...]
    vehicles: tuple[Vehicle, ...]
    bookings: tuple[Booking, ...]

    def __post_init__(self) -> None:
        for label, items in (("stations", self.stations), ("vehicles", self.vehicles)):
            _unique_ids(label, [item.id for item in items])
        _unique_ids("bookings", [b.id for b in self.bookings])
        known = {s.id for s in self.stations}
        for vehicle in self.vehicles:
            if vehicle.home not in known:
                raise UnknownReference(
                    f"车辆 {vehicle.id} 的所属中转站 {vehicle.home} 不存在", field="home"
                )

    def station(self, station_id: str) -> Station:
        return next(s for s in self.stations if s.id == station_id)

    def booking(self, booking_id: str) -> Booking:
        return next(b for b in self.bookings if b.id == booking_id)


def _unique_ids(field: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise NotUnique(f"编号重复：{item_id}", field=field)
        seen.add(item_id)


class UnservedCode(StrEnum):
    TOO_HEAVY = "too_heavy"
    TOO_BULKY = "too_bulky"
    WINDOW_OUTSIDE_SHIFTS = "window_outside_shifts"
    WINDOW_PASSED = "window_passed"
    UNREACHABLE_IN_TIME = "unreachable_in_time"
    FLEET_FULL = "fleet_full"


UNSERVED_MESSAGES: dict[UnservedCode, str] = {
    UnservedCode.TOO_HEAVY: "物品重量超过任何车辆的载重",
    UnservedCode.TOO_BULKY: "物品体积超过任何车辆的容积",
    UnservedCode.WINDOW_OUTSIDE_SHIFTS: "预约时间窗不在任何车辆的班次内",
    UnservedCode.WINDOW_PASSED: "预约时间窗已过",
    UnservedCode.UNREACHABLE_IN_TIME: "任何车辆都无法在时间窗内到达并按时返回中转站",
    UnservedCode.FLEET_FULL: "车队当天的运力或时间不足，无法安排",
}


@dataclass(frozen=True)
class Unserved:
    """A booking left out of the plan, with a stable code and a Chinese reason."""

    booking_id: str
    code: UnservedCode
    reason: str

    @classmethod
    def of(cls, booking_id: str, code: UnservedCode) -> Unserved:
        return cls(booking_id, code, UNSERVED_MESSAGES[code])


StopKind = Literal["pickup", "unload"]


@dataclass(frozen=True)
class Stop:
    """A visit on a route: a pickup at a booking or an unloading trip to a station.

    ``arrival_s`` is when the vehicle arrives, ``start_s`` when service starts (after any
    wait), ``end_s`` when it leaves. Loads are on board after the stop.
    """

    kind: StopKind
    ref: str
    lat: float
    lon: float
    arrival_s: int
    start_s: int
    end_s: int
    load_kg: float
    load_m3: float


@dataclass(frozen=True)
class VehicleRoute:
    """One vehicle's day: leaves ``home`` at ``start_s`` and is back at ``end_s``."""

    vehicle_id: str
    home: str
    start_s: int
    end_s: int
    distance_m: int
    stops: tuple[Stop, ...]

    @property
    def booking_ids(self) -> list[str]:
        return [s.ref for s in self.stops if s.kind == "pickup"]

    @property
    def unloads(self) -> int:
        return sum(1 for s in self.stops if s.kind == "unload")


@dataclass(frozen=True)
class DispatchPlan:
    routes: tuple[VehicleRoute, ...]
    unserved: tuple[Unserved, ...] = field(default_factory=tuple)
    feasible: bool = True

    @property
    def distance_m(self) -> int:
        return sum(r.distance_m for r in self.routes)

    def route_of(self, vehicle_id: str) -> VehicleRoute | None:
        return next((r for r in self.routes if r.vehicle_id == vehicle_id), None)

    def served_ids(self) -> set[str]:
        return {ref for r in self.routes for ref in r.booking_ids}
