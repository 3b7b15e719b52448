"""The recycling network's sites (/recycling/network) as the page kit pages, sorts, filters,
searches and exports them: every site the caller sees (the page drew them all at once), by
tier, jurisdiction and whether in service; search by name, address or licence number.

The jurisdiction choices are the caller's places, so the page builds the list with ``spec``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import ColumnElement, or_

from huanxin.recycling.models import Site
from huanxin.recycling.vocab import TIERS, clock_text
from huanxin.web.kit.lists import Column, Filter, ListSpec

IN_SERVICE = {"yes": "在用", "no": "停用"}


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(Site.name.ilike(part), Site.address.ilike(part), Site.licence_no.ilike(part))


def _tonnes(site: Site) -> Decimal:
    return Decimal(site.capacity_kg_day) / 1000


def spec(places: Mapping[str, str]) -> ListSpec:
    """The list; ``places`` (区划代码 → name) are the places the caller may filter by."""
    return ListSpec(
        title="回收站点",
        columns=(
            Column("name", "名称", Site.name, lambda s: s.name),
            Column("tier", "层级", Site.tier, lambda s: TIERS[s.tier]),
            Column(
                "place",
                "区划",
                Site.jurisdiction_code,
                lambda s: places.get(s.jurisdiction_code, ""),
            ),
            Column(
                "hours",
                "营业时间",
                Site.opens_s,
                lambda s: f"{clock_text(s.opens_s)}-{clock_text(s.closes_s)}",
            ),
            Column("capacity", "日处理能力（吨）", Site.capacity_kg_day, _tonnes),
            Column("licence", "资质/备案", Site.licence_no, lambda s: s.licence_no),
            Column("address", "地址", None, lambda s: s.address),
            Column("active", "状态", Site.active, lambda s: "在用" if s.active else "停用"),
        ),
        default_sort="name",
        tiebreak=Site.id,
        search=_matching,
        search_hint="站点名称、地址或资质编号",
        filters=(
            Filter("tier", "层级", TIERS, lambda v: Site.tier == v),
            Filter("place", "区划", places, lambda v: Site.jurisdiction_code == v),
            Filter("active", "状态", IN_SERVICE, lambda v: Site.active.is_(v == "yes")),
        ),
    )
