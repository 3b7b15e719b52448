"""A resident's bookings as the page kit pages, sorts, filters, searches and exports them,
opening on the bookings still open (booked, planned, not yet served)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_

from huanxin.recycling.models import Booking
from huanxin.recycling.states import OPEN_STATES, STATUS_LABELS
from huanxin.web.kit.lists import Column, Filter, ListSpec

VIEW_LABELS = {"open": "未完成"}
OPENING = "open"


def _status(value: str) -> ColumnElement[bool]:
    return Booking.status.in_(OPEN_STATES if value == "open" else (value,))


def _matching(text: str) -> ColumnElement[bool]:
    """A booking by its number, or the bookings whose address holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    by_number = [Booking.id == int(text)] if text.isdigit() and len(text) < 19 else []
    return or_(*by_number, Booking.address.ilike(part))


def _items(row: dict[str, Any]) -> str:
    return "、".join(f"{i['label']}×{i['count']}（{i['est_weight_kg']}千克）" for i in row["items"])


SPEC = ListSpec(
    title="回收预约",
    columns=(
        Column("id", "编号", Booking.id, lambda r: r["id"]),
        Column("date", "日期", Booking.service_date, lambda r: r["service_date"]),
        Column("window", "时间段", None, lambda r: r["window"]),
        Column("items", "物品", None, _items),
        Column("quote", "报价（元）", Booking.quote_fen, lambda r: Decimal(r["quote_fen"]) / 100),
        Column("status", "状态", Booking.status, lambda r: r["status_label"]),
        Column("address", "地址", None, lambda r: r["address"]),
    ),
    default_sort="-id",
    tiebreak=Booking.id,
    search=_matching,
    search_hint="预约编号或地址",
    filters=(Filter("status", "状态", {**VIEW_LABELS, **STATUS_LABELS}, _status),),
)
