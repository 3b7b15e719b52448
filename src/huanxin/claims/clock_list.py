"""The clocks page's list of running deadlines (/clocks) as people work through it: every
step still running, a page at a time, opening on the overdue ones (most overdue first),
filtered by view, step and category, searched by claim number, model or department, sorted
by a column and exported as filtered (the page showed the first 200 of each list before).

A step's deadline is computed (the programme's limits on the official calendar,
``claims.service.clocks``), not stored, so the steps are read whole — the category filter
narrows the claims in SQL first — and filtered, sorted and paged here; the kit's ``Page``
draws them like any other list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, true

from huanxin.claims.service import clocks
from huanxin.claims.service.overdue import Late
from huanxin.core.vocab import CATEGORIES
from huanxin.web.kit.lists import PAGE_SIZE, Column, Filter, ListQuery, ListSpec, Page

VIEWS = {"overdue": "已逾期", "soon": "两个工作日内到期", "running": "全部办理中"}
OPENING = "overdue"
Key = Callable[[Late], Any]


def _computed(_: str) -> ColumnElement[bool]:
    """Filters of computed steps apply to the steps here (``choose``), not in SQL."""
    return true()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


SPEC = ListSpec(
    title="办理时限",
    columns=(
        Column("claim", "申请编号", lambda r: r.claim.id, lambda r: r.claim.id),
        Column(
            "category",
            "品类",
            lambda r: r.claim.category,
            lambda r: CATEGORIES.label(r.claim.category),
        ),
        Column("step", "环节", lambda r: r.step.step, lambda r: r.step.label),
        Column("due", "截止日", lambda r: r.step.due or date.max, lambda r: _day(r.step.due)),
        Column("late", "逾期工作日", lambda r: r.workdays_late, lambda r: r.workdays_late),
        Column("department", "责任部门", lambda r: r.department, lambda r: r.department),
    ),
    default_sort="-late",
    tiebreak=None,
    search_hint="申请编号、型号或责任部门",
    filters=(
        Filter("state", "时限", VIEWS, _computed),
        Filter("step", "环节", clocks.STEP_LABELS, _computed),
        Filter("category", "品类", CATEGORIES.labels, _computed),
    ),
)


def _found(row: Late, words: list[str]) -> bool:
    text = f"{row.claim.id} {row.claim.product_model} {row.department}".lower()
    return all(w in text for w in words)


def choose(rows: list[Late], filters: Mapping[str, str], q: str, *, horizon: date) -> list[Late]:
    """The steps the filters and the search keep; ``horizon``: the last day of "soon"."""
    view, step, category = (filters.get(k, "") for k in ("state", "step", "category"))

    def wanted(row: Late) -> bool:
        if view == "overdue":
            return row.step.status == "overdue"
        if view == "soon":
            due = row.step.due
            return row.step.status == "open" and due is not None and due <= horizon
        return True

    words = q.lower().split()
    return [
        r
        for r in rows
        if wanted(r)
        and (step not in clocks.STEP_LABELS or r.step.step == step)
        and (category not in CATEGORIES.labels or r.claim.category == category)
        and _found(r, words)
    ]


def ordered(rows: list[Late], sort: str) -> tuple[list[Late], str]:
    """The rows in the chosen column's order (ties by claim number) and the sort applied."""
    wanted = sort if SPEC.column(sort.removeprefix("-")) else SPEC.default_sort
    column = SPEC.column(wanted.removeprefix("-"))
    assert column is not None
    key = cast(Key, column.sort)
    desc = wanted.startswith("-")
    rows = sorted(rows, key=lambda r: r.claim.id)  # stable: ties keep the claim order
    return sorted(rows, key=key, reverse=desc), wanted


def page(
    rows: list[Late],
    query: ListQuery,
    filters: Mapping[str, str],
    *,
    path: str,
    horizon: date,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of the steps the filters, search and sort choose, as the kit draws it."""
    chosen, sort = ordered(choose(rows, filters, query.q, horizon=horizon), query.sort)
    number = min(query.page, max(1, -(-len(chosen) // size)))
    shown = chosen[(number - 1) * size : number * size]
    return Page(SPEC, path, shown, len(chosen), number, size, sort, query.q, dict(filters))
