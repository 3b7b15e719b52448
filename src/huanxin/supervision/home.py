"""Home-page items of the supervision domain, read from the database: the tasks waiting for
the office or a department (overdue, at risk, in the inbox), and for the office the
recycling indicators of its own plan against their targets."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.supervision import indicators
from huanxin.supervision.models import Indicator
from huanxin.supervision.service import inbox, ledger
from huanxin.web.ui import Figure, HomeItem, count_figure

RECYCLING_KEYS = ("appliance_recycled_tonnes", "appliance_recycled_units", "elv_recycled")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _recycling(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    """Each recycling indicator of the actor's own place (the nearest target year first, one
    per kind): this year's value against its target."""
    rows = [
        r
        for r in indicators.list_for(session, actor)
        if r.jurisdiction_code == actor.jurisdiction_code and r.computed_key in RECYCLING_KEYS
    ]
    rows.sort(
        key=lambda r: (r.target_year is None or r.target_year < today.year, r.target_year or 0)
    )
    chosen: dict[str, Indicator] = {}
    for row in rows:
        chosen.setdefault(row.computed_key or "", row)
    return [_indicator(session, row, today) for row in chosen.values()]


def _indicator(session: Session, row: Indicator, today: date) -> Figure:
    p = indicators.progress(row, indicators.values_of(session, row.id), current_year=today.year)
    unit = indicators.actual_unit(row) or ""
    value = "暂无" if p.latest_value is None else _number(p.latest_value)
    target = "" if p.target_level is None else f"目标 {_number(p.target_level)}{unit}"
    year = f"（{row.target_year}年）" if row.target_year else ""
    done = "" if p.percent is None or p.percent < 0 else f" · 完成 {p.percent:g}%"
    return Figure(
        row.name,
        value,
        f"/supervision/indicators/{row.id}",
        unit=unit if p.latest_value is not None else "",
        note=f"{target}{year}{done}",
    )


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    """Task counts for the office and for departments (their own tasks)."""
    if not (actor.can("supervision:write") or actor.can("supervision:report")):
        return []
    rows = ledger.list_rows(session, actor)
    counts = Counter(r.status for r in rows)
    label = "本部门督办任务" if actor.role == "department" else "督办任务"
    open_tasks = len(rows) - counts["done"]
    out: list[HomeItem] = [
        count_figure("逾期任务", counts["overdue"], "/supervision/tasks?status=overdue", todo=True),
        count_figure(
            "有风险任务", counts["at_risk"], "/supervision/tasks?status=at_risk", todo=True
        ),
        count_figure(
            "专班待办", len(inbox.items_for(session, actor)), "/supervision/inbox", todo=True
        ),
        count_figure(
            label,
            open_tasks,
            "/supervision/tasks",
            note=f"共 {len(rows):,} 项，已完成 {counts['done']:,} 项",
            todo=actor.role == "department",
        ),
    ]
    if actor.can("supervision:write"):
        out += _recycling(session, actor, today_cn())
    return out
