"""The 公务仓 list as the page kit pages, sorts, filters, searches and exports it: items in
scope, opening on those still in progress (not done, not returned)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import WarehouseItem
from huanxin.secondhand.service.warehouse import ItemView
from huanxin.web.kit.lists import Column, Filter, ListSpec

OPEN = ("declared", "pooled", "claimed", "approved")
VIEW_LABELS = {"open": "办理中"}
OPENING = "open"


def _state(value: str) -> ColumnElement[bool]:
    return WarehouseItem.state.in_(OPEN if value == "open" else (value,))


def _matching(text: str) -> ColumnElement[bool]:
    """Items by asset number, serial, brand or model, or of a unit whose name holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    units = select(Organization.id).where(Organization.name.ilike(part))
    item = WarehouseItem
    return or_(
        item.asset_no.ilike(part),
        item.serial.ilike(part),
        item.brand.ilike(part),
        item.model.ilike(part),
        item.institution_org_id.in_(units),
    )


def _route(row: ItemView) -> str:
    return vocab.WAREHOUSE_ROUTES.get(row.route or "", "")


SPEC = ListSpec(
    title="公务仓资产",
    columns=(
        Column("institution", "单位", None, lambda r: r.institution),
        Column("asset_no", "资产编号", WarehouseItem.asset_no, lambda r: r.asset_no),
        Column(
            "category",
            "类别",
            WarehouseItem.category,
            lambda r: vocab.WAREHOUSE_CATEGORIES.get(r.category, r.category),
        ),
        Column("model", "品牌型号", WarehouseItem.model, lambda r: f"{r.brand} {r.model}"),
        Column("year", "申报年度", WarehouseItem.declared_year, lambda r: r.declared_year),
        Column("state", "状态", WarehouseItem.state, lambda r: r.state_label),
        Column("route", "处置方式", WarehouseItem.route, _route),
        Column("id", "序号", WarehouseItem.id, lambda r: r.id),
    ),
    default_sort="-id",
    tiebreak=WarehouseItem.id,
    search=_matching,
    search_hint="资产编号、序列号、品牌型号或单位名称",
    filters=(
        Filter("state", "状态", {**VIEW_LABELS, **vocab.WAREHOUSE_STATES}, _state),
        Filter(
            "category",
            "类别",
            vocab.WAREHOUSE_CATEGORIES,
            lambda v: WarehouseItem.category == v,
        ),
    ),
)
