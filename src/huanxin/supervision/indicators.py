"""Indicators: the plan's quantitative targets tracked with yearly actual values.

An actual value is either entered by the responsible department (or the office) with its
source, or computed from the platform's own data by a function of ``COMPUTED_INDICATORS``
(key → ``f(session, jurisdiction codes, year)``). The registry ships EMPTY: the tables it
would read (claims, recycling, end-of-life vehicles, equipment investment) belong to other
domains and are read only through their services, which the lead wires in later. An
indicator whose name contains a key's keywords (``COMPUTED_KEYWORDS``) is linked to that key
when its plan is confirmed, provided the key is registered.

Progress: the target level is ``value`` (reach, count, ratio), ``baseline × (1 + value%)``
(increase_pct), ``baseline + value`` (increase_pp) or ``baseline × value`` (multiple); progress
is (actual − baseline) / (target level − baseline), or actual / target level without a
baseline. The forecast is the least-squares line through the baseline point and the
actuals, read at the target year (needs two distinct years).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import utcnow
from huanxin.core.errors import InvalidInput, PermissionDenied
from huanxin.supervision.models import Department, Indicator, IndicatorValue, Plan
from huanxin.supervision.service.common import actor_department

COMPUTED_INDICATORS: dict[str, Callable[[Session, frozenset[str], int], int | float]] = {}
COMPUTED_KEYWORDS: dict[str, tuple[str, ...]] = {
    "trade_in_claims": ("以旧换新", "补贴"),
    "recycling_volume": ("回收量",),
    "elv_dismantled": ("报废汽车", "回收拆解"),
    "equipment_investment": ("设备投资",),
}
KIND_LABELS = {"reach": "达到", "count": "数量", "increase_pct": "增长（%）",
               "increase_pp": "提高（百分点）", "multiple": "倍数", "ratio": "比例"}  # fmt: skip


def computed_key_for(name: str) -> str | None:
    for key, words in COMPUTED_KEYWORDS.items():
        if key in COMPUTED_INDICATORS and all(w in name for w in words):
            return key
    return None


def create_from_plan(session: Session, plan: Plan, targets: list[dict[str, Any]]) -> int:
    for t in targets:
        if t.get("value") is None:
            continue
        session.add(Indicator(plan_id=plan.id, jurisdiction_code=plan.jurisdiction_code,
                              name=str(t["indicator"])[:256], kind=str(t["kind"]),
                              unit=t.get("unit"), target_value=float(t["value"]),
                              target_year=t.get("year"), baseline_year=t.get("baseline_year"),
                              computed_key=computed_key_for(str(t["indicator"])),
                              quote=str(t.get("quote") or "")))  # fmt: skip
    session.flush()
    return sum(1 for t in targets if t.get("value") is not None)


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
    session: Session, actor: Actor, indicator_id: int, *, baseline_value: float | None,
    department_id: int | None,
) -> Indicator:  # fmt: skip
    """The office sets the baseline value and the responsible department."""
    row = get(session, actor, indicator_id)
    if department_id is not None:
        dept = session.get(Department, department_id)
        if dept is None or dept.jurisdiction_code != row.jurisdiction_code:
            raise InvalidInput("所选部门不在该指标所属区划的部门目录中", field="department_id")
    before = {"baseline_value": row.baseline_value, "department_id": row.department_id}
    row.baseline_value, row.department_id = baseline_value, department_id
    session.flush()
    audit.record(session, actor, "supervision.indicator_configured", object_type="sv_indicator",
                 object_id=row.id, before=before,
                 after={"baseline_value": baseline_value, "department_id": department_id},
                 jurisdiction_code=row.jurisdiction_code)  # fmt: skip
    return row


def record_value(
    session: Session, actor: Actor, indicator_id: int, *, year: int, value: float, source: str
) -> IndicatorValue:
    """Enter (or correct) the actual value of a year; the responsible department or the office."""
    row = get(session, actor, indicator_id)
    _may_enter(session, actor, row)
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份应在2000到2100之间", field="year")
    if not source.strip():
        raise InvalidInput("请注明数据来源", field="source")
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
    stmt = select(IndicatorValue).where(IndicatorValue.indicator_id == row.id,
                                        IndicatorValue.year == year)  # fmt: skip
    found = session.scalars(stmt).first()
    before = {"value": found.value, "source": found.source} if found else None
    if found is None:
        found = IndicatorValue(indicator_id=row.id, year=year, value=value, source=source,
                               entered_by=getattr(actor, "user_id", None) or None, created_at=utcnow())  # fmt: skip
        session.add(found)
    else:
        found.value, found.source = value, source
    session.flush()
    audit.record(session, actor, "supervision.indicator_value", object_type="sv_indicator",
                 object_id=row.id, before=before,
                 after={"year": year, "value": value, "source": source},
                 jurisdiction_code=row.jurisdiction_code)  # fmt: skip
    return found


def refresh_computed(session: Session, actor: Any, row: Indicator, year: int) -> bool:
    """Store the computed actual of ``year`` when the indicator has a registered key."""
    func = COMPUTED_INDICATORS.get(row.computed_key or "")
    if func is None:
        return False
    codes = frozenset({row.jurisdiction_code})
    value = float(func(session, codes, year))
    _store(session, actor, row, year=year, value=value, source=f"平台数据：{row.computed_key}")
    return True


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


def progress(row: Indicator, values: list[IndicatorValue]) -> Progress:
    level = target_level(row)
    latest = values[-1] if values else None
    percent = None
    if latest is not None and level is not None:
        percent = _percent(latest.value, level, row.baseline_value)
    points = [(v.year, v.value) for v in values]
    if row.baseline_year is not None and row.baseline_value is not None:
        points = [(row.baseline_year, row.baseline_value), *points]
    forecast = linear_forecast(points, row.target_year) if row.target_year else None
    on_course = None if forecast is None or level is None else forecast >= level
    return Progress(level, latest.year if latest else None, latest.value if latest else None,
                    percent, forecast, on_course)  # fmt: skip


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


def as_dict(row: Indicator, values: list[IndicatorValue]) -> dict[str, object]:
    p = progress(row, values)
    return {"id": row.id, "plan_id": row.plan_id, "name": row.name, "kind": row.kind,
            "unit": row.unit, "target_value": row.target_value, "target_year": row.target_year,
            "baseline_year": row.baseline_year, "baseline_value": row.baseline_value,
            "department_id": row.department_id, "computed_key": row.computed_key,
            "target_level": p.target_level, "latest_year": p.latest_year,
            "latest_value": p.latest_value, "progress_percent": p.percent,
            "forecast": p.forecast, "on_course": p.on_course,
            "values": [{"year": v.year, "value": v.value, "source": v.source} for v in values]}  # fmt: skip
