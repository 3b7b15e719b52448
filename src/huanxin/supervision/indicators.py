"""Indicators: the plan's quantitative targets tracked with yearly actual values.

An actual value is either entered by the responsible department (or the office) with its
source, or computed from the platform's own data by a ``computed.Source`` (trade-in claims,
recycling volumes, end-of-life vehicles, equipment investment, used-car transactions). When a
plan is confirmed each target is matched to a source by its wording and kind
(``computed.match``); the office can choose another source or none on the indicator page.
Refreshing stores the computed actual of every year from the year after the base year to the
current year (capped at the target year); a year without any platform rows is not stored, and a
value entered by hand for a year is kept (it is the office's or department's correction). An
empty base value is filled from the source's base-year figure.

Progress: the target level is ``value`` (reach, count, ratio), ``baseline × (1 + value%)``
(increase_pct), ``baseline + value`` (increase_pp) or ``baseline × value`` (multiple); progress
is (actual − baseline) / (target level − baseline), or actual / target level without a
baseline. The forecast is the least-squares line through the baseline point and the
actuals of completed years (the current year is still running), read at the target year
(needs two distinct years).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import (
    OutOfRange,
    PermissionDenied,
    Required,
    UnknownReference,
    UnrelatedReference,
)
from huanxin.supervision import computed
from huanxin.supervision.errors import IndicatorHasNoSource
from huanxin.supervision.models import Department, Indicator, IndicatorValue, Plan
from huanxin.supervision.service.common import actor_department

KIND_LABELS = {
    "reach": "达到",
    "count": "数量",
    "increase_pct": "增长（%）",
    "increase_pp": "提高（百分点）",
    "multiple": "倍数",
    "ratio": "比例",
}
MANUAL_LABEL = "部门填报"


def create_from_plan(
    session: Session,
    actor: Actor,
    plan: Plan,
    targets: list[dict[str, Any]],
    lead_of: Callable[[str | None], int | None] | None = None,
) -> int:
    """One indicator per quantitative target, matched to a platform source where one fits;
    ``lead_of`` gives the lead department of the task section a target was found in."""
    rows = []
    for t in (t for t in targets if t.get("value") is not None):
        unit = t.get("unit")
        row = Indicator(
            plan_id=plan.id,
            jurisdiction_code=plan.jurisdiction_code,
            name=str(t["indicator"])[:256],
            kind=str(t["kind"]),
            unit=unit,
            target_value=float(t["value"]),
            target_year=t.get("year"),
            baseline_year=t.get("baseline_year"),
            department_id=lead_of(t.get("section")) if lead_of else None,
            computed_key=computed.match(str(t["indicator"]), str(t["kind"]), unit),
            quote=str(t.get("quote") or ""),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    for row in rows:
        if row.computed_key:
            refresh(session, actor, row)
    return len(rows)


def source_of(row: Indicator) -> computed.Source | None:
    return computed.SOURCES.get(row.computed_key or "")


def actual_unit(row: Indicator) -> str | None:
    """The unit actual values are in: the platform source's; for hand entry the target's own
    unit when the target is a level (reach, count), % for percentage-point targets, and
    unstated for growth and multiple targets (the base value fixes the scale)."""
    source = source_of(row)
    if source is not None:
        return computed.shown_unit(source, row.unit)
    if row.kind in {"reach", "count"}:
        return row.unit
    return "%" if row.kind == "increase_pp" else None


def get(session: Session, actor: Actor, indicator_id: int) -> Indicator:
    row = session.get(Indicator, indicator_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "指标不存在")


def list_for(session: Session, actor: Actor, *, plan_id: int | None = None) -> list[Indicator]:
    stmt = select(Indicator).where(Indicator.jurisdiction_code.in_(actor.scope_codes))
    if plan_id is not None:
        stmt = stmt.where(Indicator.plan_id == plan_id)
    return list(session.scalars(stmt.order_by(Indicator.plan_id, Indicator.id)))


def values_of(session: Session, indicator_id: int) -> list[IndicatorValue]:
    stmt = select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
    return list(session.scalars(stmt.order_by(IndicatorValue.year)))


def configure(
    session: Session,
    actor: Actor,
    indicator_id: int,
    *,
    baseline_value: float | None,
    department_id: int | None,
) -> Indicator:
    """The office sets the baseline value and the responsible department."""
    row = get(session, actor, indicator_id)
    if department_id is not None:
        dept = session.get(Department, department_id)
        if dept is None or dept.jurisdiction_code != row.jurisdiction_code:
            raise UnrelatedReference(
                "所选部门不在该指标所属区划的部门目录中", field="department_id"
            )
    before = {"baseline_value": row.baseline_value, "department_id": row.department_id}
    row.baseline_value, row.department_id = baseline_value, department_id
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.indicator_configured",
        object_type="sv_indicator",
        object_id=row.id,
        before=before,
        after={"baseline_value": baseline_value, "department_id": department_id},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def record_value(
    session: Session, actor: Actor, indicator_id: int, *, year: int, value: float, source: str
) -> IndicatorValue:
    """Enter (or correct) the actual value of a year; the responsible department or the office."""
    row = get(session, actor, indicator_id)
    _may_enter(session, actor, row)
    if not 2000 <= year <= 2100:
        raise OutOfRange("年份应在2000到2100之间", field="year")
    if not source.strip():
        raise Required("请注明数据来源", field="source")
    return _store(session, actor, row, year=year, value=value, source=source.strip()[:256])


def _may_enter(session: Session, actor: Actor, row: Indicator) -> None:
    if actor.can("supervision:write"):
        return
    dept = actor_department(session, actor)
    if dept is None or dept.id != row.department_id:
        raise PermissionDenied("该指标不由本部门负责，不能录入实际值", field="indicator_id")


def _store(
    session: Session, actor: Any, row: Indicator, *, year: int, value: float, source: str
) -> IndicatorValue:
    stmt = select(IndicatorValue).where(
        IndicatorValue.indicator_id == row.id, IndicatorValue.year == year
    )
    found = session.scalars(stmt).first()
    before = {"value": found.value, "source": found.source} if found else None
    if found is None:
        found = IndicatorValue(
            indicator_id=row.id,
            year=year,
            value=value,
            source=source,
            entered_by=getattr(actor, "user_id", None) or None,
            created_at=utcnow(),
        )
        session.add(found)
    else:
        found.value, found.source = value, source
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.indicator_value",
        object_type="sv_indicator",
        object_id=row.id,
        before=before,
        after={"year": year, "value": value, "source": source},
        jurisdiction_code=row.jurisdiction_code,
    )
    return found


def set_source(
    session: Session,
    actor: Actor,
    indicator_id: int,
    *,
    computed_key: str | None,
    today: date | None = None,
) -> Indicator:
    """The office chooses where actuals come from: a platform source, or none (entered)."""
    row = get(session, actor, indicator_id)
    key = (computed_key or "").strip() or None
    if key is not None and key not in computed.SOURCES:
        raise UnknownReference("所选数据来源不存在", field="computed_key")
    before = {"computed_key": row.computed_key}
    row.computed_key = key
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.indicator_source",
        object_type="sv_indicator",
        object_id=row.id,
        before=before,
        after={"computed_key": key},
        jurisdiction_code=row.jurisdiction_code,
    )
    if key is not None:
        refresh(session, actor, row, today=today)
    return row


def computed_years(row: Indicator, today: date) -> range:
    end = today.year if row.target_year is None else min(today.year, row.target_year)
    start = row.baseline_year + 1 if row.baseline_year else end - 2
    return range(start, end + 1)


def refresh(session: Session, actor: Any, row: Indicator, *, today: date | None = None) -> int:
    """Store the computed actuals (and an empty base value) of a sourced indicator; returns
    the number of years stored."""
    source = source_of(row)
    if source is None:
        return 0
    codes = jurisdictions.subtree_codes(session, row.jurisdiction_code)
    unit = computed.shown_unit(source, row.unit)
    if row.baseline_year and row.baseline_value is None:
        base = source.base(session, codes, row.baseline_year)
        if base is not None:
            _set_baseline(session, actor, row, computed.convert(source, base, unit))
    stored = {v.year: v for v in values_of(session, row.id)}
    count = 0
    day = today or today_cn()
    for year in computed_years(row, day):
        previous = stored.get(year)
        if previous is not None and not previous.source.startswith(computed.PLATFORM):
            continue  # entered by hand: kept
        figure = source.figure(session, codes, year)
        if figure == 0 and previous is None:
            continue
        value = computed.convert(source, figure, unit)
        to_date = f"，截至{day.month}月{day.day}日" if year == day.year else ""
        text = f"{computed.PLATFORM}{source.label}（{unit}{to_date}）"
        if previous is None or (previous.value, previous.source) != (value, text):
            _store(session, actor, row, year=year, value=value, source=text)
        count += 1
    return count


def refresh_one(session: Session, actor: Actor, indicator_id: int) -> Indicator:
    row = get(session, actor, indicator_id)
    if source_of(row) is None:
        raise IndicatorHasNoSource(
            "该指标未选择平台数据来源，请先选择数据来源", field="computed_key"
        )
    refresh(session, actor, row)
    return row


def _set_baseline(session: Session, actor: Any, row: Indicator, value: float) -> None:
    row.baseline_value = value
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.indicator_configured",
        object_type="sv_indicator",
        object_id=row.id,
        before={"baseline_value": None},
        after={"baseline_value": value, "from": row.computed_key},
        jurisdiction_code=row.jurisdiction_code,
    )


@dataclass(frozen=True)
class Progress:
    target_level: float | None
    latest_year: int | None
    latest_value: float | None
    percent: float | None
    forecast: float | None
    on_course: bool | None


def target_level(row: Indicator) -> float | None:
    v, base = row.target_value, row.baseline_value
    if row.kind == "increase_pct":
        return None if base is None else base * (1 + v / 100)
    if row.kind == "increase_pp":
        return None if base is None else base + v
    if row.kind == "multiple":
        return None if base is None else base * v
    return v


def progress(
    row: Indicator, values: list[IndicatorValue], *, current_year: int | None = None
) -> Progress:
    """Progress of the latest value; the forecast leaves out ``current_year`` and later
    (a year still running holds only a part of its figure)."""
    level = target_level(row)
    latest = values[-1] if values else None
    percent = None
    if latest is not None and level is not None:
        percent = _percent(latest.value, level, row.baseline_value)
    complete = [v for v in values if current_year is None or v.year < current_year]
    points = [(v.year, v.value) for v in complete]
    if row.baseline_year is not None and row.baseline_value is not None:
        points = [(row.baseline_year, row.baseline_value), *points]
    forecast = linear_forecast(points, row.target_year) if row.target_year else None
    on_course = None if forecast is None or level is None else forecast >= level
    return Progress(
        level,
        latest.year if latest else None,
        latest.value if latest else None,
        percent,
        forecast,
        on_course,
    )


def _percent(actual: float, level: float, base: float | None) -> float | None:
    start = base if base is not None else 0.0
    if level == start:
        return None
    return round(100 * (actual - start) / (level - start), 1)


def linear_forecast(points: list[tuple[int, float]], year: int) -> float | None:
    """The least-squares line through the points, read at ``year``."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    slope = sxy / sxx
    return round(my + slope * (year - mx), 4)


def source_label(row: Indicator) -> str:
    """Where the actuals come from: a platform figure by name, or the department."""
    source = source_of(row)
    return f"{computed.PLATFORM}{source.label}" if source else MANUAL_LABEL
