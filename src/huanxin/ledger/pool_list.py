"""The budget page's pools (/ledger) as the page kit pages, sorts, filters, searches and
exports them: every pool in scope, a page at a time, opening on those still open (not yet
closed at year end); sorted by name, year, layer or any balance (summed over the shards in
SQL), filtered by state, year and layer, found by name (the page drew every pool at once)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from huanxin.ledger.models import Pool, Shard
from huanxin.ledger.pools import LAYER_LABELS, Balances
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"open": "未结账", "paused": "暂停", "closed": "已结账"}
OPENING = "open"


@dataclass(frozen=True)
class PoolRow:
    """A pool with its balances and what the list shows of them."""

    pool: Pool
    balances: Balances
    place: str

    @property
    def state(self) -> str:
        if self.pool.closed_at is not None:
            return "已结账"
        return "暂停" if self.pool.paused_by else "正常"

    @property
    def used(self) -> str:
        """Spent as a share of allocated, one decimal, rounded half-up in integers."""
        spent, whole = self.balances.spent, self.balances.allocated
        if whole <= 0:
            return "—"
        tenths = (spent * 1000 * 2 + whole) // (whole * 2)
        return f"{tenths // 10}.{tenths % 10}%"


def _sum(column: Any) -> Any:
    """A pool's balance summed over its shards, as SQL a list sorts by."""
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(Shard.pool_id == Pool.id)
        .correlate(Pool)
        .scalar_subquery()
    )


def _state(value: str) -> ColumnElement[bool]:
    if value == "closed":
        return Pool.closed_at.is_not(None)
    if value == "paused":
        return (Pool.paused_by != "") & Pool.closed_at.is_(None)
    return Pool.closed_at.is_(None)


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return Pool.name.ilike(part)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def spec(years: Mapping[str, str]) -> ListSpec:
    """The list; ``years``: the budget years of the pools in scope (the year filter)."""
    return ListSpec(
        title="预算资金池",
        columns=(
            Column("name", "预算池", Pool.name, lambda r: r.pool.name),
            Column("place", "区划", Pool.jurisdiction_code, lambda r: r.place),
            Column("year", "年度", Pool.period_year, lambda r: r.pool.period_year),
            Column("layer", "资金层级", Pool.layer, lambda r: LAYER_LABELS.get(r.pool.layer, "")),
            Column("state", "状态", None, lambda r: r.state),
            Column(
                "allocated",
                "已下达（元）",
                _sum(Shard.allocated),
                lambda r: _yuan(r.balances.allocated),
            ),
            Column(
                "available",
                "可用（元）",
                _sum(Shard.available),
                lambda r: _yuan(r.balances.available),
            ),
            Column(
                "reserved", "预留（元）", _sum(Shard.reserved), lambda r: _yuan(r.balances.reserved)
            ),
            Column("spent", "已支出（元）", _sum(Shard.spent), lambda r: _yuan(r.balances.spent)),
            Column("used", "执行率", None, lambda r: r.used),
        ),
        default_sort="-year",
        tiebreak=Pool.id,
        search=_matching,
        search_hint="预算池名称",
        filters=(
            Filter("state", "状态", STATES, _state),
            Filter("year", "年度", years, lambda v: Pool.period_year == int(v)),
            Filter("layer", "资金层级", LAYER_LABELS, lambda v: Pool.layer == v),
        ),
    )


def years_of(session: Session, stmt: Any) -> dict[str, str]:
    """The budget years of the pools ``stmt`` reads, newest first: "2026" → "2026年"."""
    sub = stmt.order_by(None).subquery()
    found = session.scalars(select(sub.c.period_year).distinct())
    return {str(y): f"{y}年" for y in sorted(found, reverse=True)}


def rows_of(session: Session, places: Mapping[str, str]) -> Callable[[list[Pool]], list[PoolRow]]:
    """The page's pools with their balances (one query per page) and place names."""

    def view(pools: list[Pool]) -> list[PoolRow]:
        ids = [p.id for p in pools]
        sums = (
            select(
                Shard.pool_id,
                func.coalesce(func.sum(Shard.allocated), 0),
                func.coalesce(func.sum(Shard.available), 0),
                func.coalesce(func.sum(Shard.reserved), 0),
                func.coalesce(func.sum(Shard.spent), 0),
            )
            .where(Shard.pool_id.in_(ids))
            .group_by(Shard.pool_id)
        )
        found = (
            {row[0]: Balances(*(int(v) for v in row[1:])) for row in session.execute(sums)}
            if ids
            else {}
        )
        empty = Balances(0, 0, 0, 0)
        return [
            PoolRow(p, found.get(p.id, empty), places.get(p.jurisdiction_code, "")) for p in pools
        ]

    return view
