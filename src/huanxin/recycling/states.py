"""The pickup booking's lifecycle: booked → planned or unserved (dispatch, again on every
re-plan) → completed (weighed and paid) or cancelled. A completed or cancelled booking is
final; any other move is an ``IllegalBookingState`` (409)."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.lifecycle import Lifecycle
from huanxin.recycling.errors import IllegalBookingState


class BookingState(StrEnum):
    BOOKED = "booked"
    PLANNED = "planned"
    UNSERVED = "unserved"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_OPEN = frozenset(
    {
        BookingState.PLANNED,
        BookingState.UNSERVED,
        BookingState.COMPLETED,
        BookingState.CANCELLED,
    }
)

BOOKINGS = Lifecycle(
    "预约",
    {
        BookingState.BOOKED: "已预约",
        BookingState.PLANNED: "已排班",
        BookingState.UNSERVED: "暂无法安排",
        BookingState.COMPLETED: "已完成",
        BookingState.CANCELLED: "已取消",
    },
    {
        BookingState.BOOKED: _OPEN,
        BookingState.PLANNED: _OPEN,
        BookingState.UNSERVED: _OPEN,
        BookingState.COMPLETED: frozenset(),
        BookingState.CANCELLED: frozenset(),
    },
    IllegalBookingState,
)
OPEN_STATES = tuple(s.value for s, moves in BOOKINGS.moves.items() if moves)
STATUS_LABELS = {s.value: label for s, label in BOOKINGS.labels.items()}
