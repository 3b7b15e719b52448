"""The weighing desk's records (/recycling/weighings) as the page kit pages, sorts, filters,
searches and exports them: the weighings at the caller's sites, opening on this month's,
newest first (the page drew a whole month at once), by month, site, direction and kind;
search by plate, VIN, scrapping certificate number or item name.

The site and month choices depend on the caller and today, so the page builds its spec with
``spec_for``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_

from huanxin.recycling.models import Site, Weighing
from huanxin.recycling.vocab import WEIGHING_KINDS
from huanxin.web.kit.lists import Column, Filter, ListSpec

DIRECTIONS = {"in": "入场", "out": "出场"}
MONTHS_BACK = 36  # months the month filter offers, this one first


def months(today: date) -> dict[str, str]:
    """This month and the 35 before it: ``{"2026-12": "2026年12月", …}``."""
    out = {}
    year, month = today.year, today.month
    for _ in range(MONTHS_BACK):
        out[f"{year:04d}-{month:02d}"] = f"{year}年{month}月"
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _month(value: str) -> ColumnElement[bool]:
    year, month = (int(x) for x in value.split("-"))
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return (Weighing.on_date >= start) & (Weighing.on_date < end)


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(
        Weighing.vehicle_plate.ilike(part),
        Weighing.vin.ilike(part),
        Weighing.elv_cert_no.ilike(part),
        Weighing.category.ilike(part),
    )


def _kg(row: dict[str, Any]) -> Decimal:
    return Decimal(row["weight_g"]) / 1000


SPEC = ListSpec(
    title="过磅记录",
    columns=(
        Column("date", "日期", Weighing.on_date, lambda r: r["on_date"]),
        Column("site", "站点", None, lambda r: r["site"]),
        Column("direction", "方向", Weighing.direction, lambda r: DIRECTIONS[r["direction"]]),
        Column("kind", "类别", Weighing.kind, lambda r: r["kind_text"]),
        Column("units", "数量", Weighing.units, lambda r: r["units"]),
        Column("weight", "净重（千克）", Weighing.weight_g, _kg),
        Column("counterpart", "来源/去向", None, lambda r: r["counterpart"]),
        Column("plate", "车牌号", Weighing.vehicle_plate, lambda r: r["vehicle_plate"]),
        Column("vin", "车辆识别代号", None, lambda r: r["vin"] or ""),
        Column("cert", "回收证明", None, lambda r: r["elv_cert_no"] or ""),
    ),
    default_sort="-date",
    tiebreak=Weighing.id,
    search=_matching,
    search_hint="车牌号、车辆识别代号、回收证明编号或品名",
    filters=(
        Filter("direction", "方向", DIRECTIONS, lambda v: Weighing.direction == v),
        Filter("kind", "类别", WEIGHING_KINDS, lambda v: Weighing.kind == v),
    ),
)


def spec_for(sites: list[Site], today: date) -> ListSpec:
    """The list with the caller's sites and the months up to ``today`` as choices."""
    by_site = Filter(
        "site", "站点", {str(s.id): s.name for s in sites}, lambda v: Weighing.site_id == int(v)
    )
    by_month = Filter("month", "月份", months(today), _month)
    return replace(SPEC, filters=(by_month, by_site, *SPEC.filters))
