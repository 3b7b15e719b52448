"""Reasons a booking cannot be served by any vehicle, found before solving.

The checks are necessary conditions only (a direct trip home → booking → home for one
vehicle at a time); a booking that passes may still be left out by the solver, which then
reports ``fleet_full``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from huanxin.recycling.dispatch.model import Booking, UnservedCode, Vehicle

_EPS = 1e-9


@dataclass(frozen=True)
class Reach:
    """Where and when a vehicle can start, and the deadlines it must respect."""

    vehicle: Vehicle
    earliest_s: int
    latest_start_s: int
    shift_end_s: int
    max_duration_s: int | None


def fits(booking: Booking, vehicle: Vehicle) -> bool:
    return (
        booking.weight_kg <= vehicle.capacity_kg + _EPS
        and booking.volume_m3 <= vehicle.capacity_m3 + _EPS
    )


def capacity_reason(booking: Booking, vehicles: Sequence[Vehicle]) -> UnservedCode | None:
    """``too_heavy``/``too_bulky`` when no single vehicle can carry the booking."""
    if any(fits(booking, v) for v in vehicles):
        return None
    if all(booking.weight_kg > v.capacity_kg + _EPS for v in vehicles):
        return UnservedCode.TOO_HEAVY
    if all(booking.volume_m3 > v.capacity_m3 + _EPS for v in vehicles):
        return UnservedCode.TOO_BULKY
    return UnservedCode.TOO_HEAVY


def window_overlaps(booking: Booking, reach: Reach) -> bool:
    return booking.window_end_s >= reach.earliest_s and booking.window_start_s <= reach.shift_end_s


def reachable(booking: Booking, reach: Reach, *, out_s: int, back_s: int) -> bool:
    """Can this vehicle go straight to the booking in its window and be back in time?"""
    arrival = max(reach.earliest_s + out_s, booking.window_start_s)
    if arrival > booking.window_end_s:
        return False
    back = arrival + booking.service_s + back_s
    if back > reach.shift_end_s:
        return False
    if reach.max_duration_s is None:
        return True
    # A vehicle with a flexible start leaves just in time; otherwise it waits on site.
    leave = min(max(reach.earliest_s, arrival - out_s), reach.latest_start_s)
    return back - leave <= reach.max_duration_s


def time_reason(
    booking: Booking, reaches: Sequence[Reach], *, out_s: Sequence[int], back_s: Sequence[int]
) -> UnservedCode | None:
    """Reason from time alone, given the travel times out to and back from the booking."""
    candidates = [i for i, r in enumerate(reaches) if fits(booking, r.vehicle)]
    if not any(window_overlaps(booking, reaches[i]) for i in candidates):
        return UnservedCode.WINDOW_OUTSIDE_SHIFTS
    for i in candidates:
        if reachable(booking, reaches[i], out_s=out_s[i], back_s=back_s[i]):
            return None
    return UnservedCode.UNREACHABLE_IN_TIME
