"""Digitalisation indicators reported by enterprises: 关键工序数控化率 (key-process CNC rate)
and 数字化研发设计工具普及率 (digital design-tool penetration), one report per enterprise and
year, and their aggregation by sector or jurisdiction.

Aggregation: the simple mean, over the enterprises that reported the indicator for the year,
of their reported rates (basis points, rounded half-up); enterprises that did not report it
are left out and counted as not reported. The 2027 targets (CNC rate above 75%, design-tool
penetration above 90%, for industrial enterprises above designated size) are parameters with
their source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import NotAChoice, OutOfRange, Required
from huanxin.core.models import Jurisdiction
from huanxin.equipment.models import DigitalReport, Enterprise
from huanxin.equipment.service.access import enterprise_ids, get_enterprise, writable_enterprise
from huanxin.equipment.vocab import SECTORS

TARGET_YEAR = 2027
CNC_TARGET_BP = 7500
DESIGN_TARGET_BP = 9000
TARGET_SOURCE_ZH = (
    "到2027年规模以上工业企业数字化研发设计工具普及率、关键工序数控化率分别超过90%、75%"
    "（《推动大规模设备更新和消费品以旧换新行动方案》（国发〔2024〕7号）目标，与设备投资增长25%"
    "同列；沁水县实施方案照录此句。各地可调整，如冠县方案为92%、75%）"
)
BASIS_ZH = "按已填报企业的填报值简单平均；未填报的企业不计入"
INDICATORS = {"cnc_rate_bp": "关键工序数控化率", "design_tool_bp": "数字化研发设计工具普及率"}


def _check(year: int, values: dict[str, int | None]) -> None:
    if not 2000 <= year <= today_cn().year:
        raise OutOfRange(f"填报年度应在2000至{today_cn().year}年之间", field="year")
    if all(v is None for v in values.values()):
        raise Required("请至少填写一项指标", field="cnc_rate_bp")
    for name, value in values.items():
        if value is not None and not 0 <= value <= 10_000:
            raise OutOfRange(f"{INDICATORS[name]}应在0至100%之间", field=name)


def snapshot(row: DigitalReport) -> dict[str, Any]:
    return {"year": row.year, "cnc_rate_bp": row.cnc_rate_bp, "design_tool_bp": row.design_tool_bp}


def report(
    session: Session,
    actor: Actor,
    *,
    enterprise_id: int,
    year: int,
    cnc_rate_bp: int | None = None,
    design_tool_bp: int | None = None,
) -> tuple[DigitalReport, bool]:
    """Record (or correct) the enterprise's indicators for ``year``; True when new."""
    ent = writable_enterprise(session, actor, enterprise_id)
    values = {"cnc_rate_bp": cnc_rate_bp, "design_tool_bp": design_tool_bp}
    _check(year, values)
    row = session.scalars(
        select(DigitalReport).where(
            DigitalReport.enterprise_id == ent.id, DigitalReport.year == year
        )
    ).first()
    created = row is None
    before = None if row is None else snapshot(row)
    if row is None:
        row = DigitalReport(
            enterprise_id=ent.id, year=year, reported_by=actor.user_id, reported_at=utcnow()
        )
        session.add(row)
    row.cnc_rate_bp, row.design_tool_bp = cnc_rate_bp, design_tool_bp
    row.reported_by, row.reported_at = actor.user_id, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.digital_reported",
        object_type="enterprise",
        object_id=ent.id,
        before=before,
        after=snapshot(row),
        jurisdiction_code=ent.jurisdiction_code,
    )
    return row, created


def for_enterprise(session: Session, actor: Actor, enterprise_id: int) -> list[DigitalReport]:
    ent = get_enterprise(session, actor, enterprise_id)
    stmt = select(DigitalReport).where(DigitalReport.enterprise_id == ent.id)
    return list(session.scalars(stmt.order_by(DigitalReport.year.desc())))


def latest_year(session: Session, actor: Actor) -> int | None:
    """The latest year any enterprise the actor may read has reported."""
    stmt = select(func.max(DigitalReport.year)).where(
        DigitalReport.enterprise_id.in_(enterprise_ids(actor))
    )
    year = session.scalar(stmt)
    return int(year) if year is not None else None


def _mean(values: list[int]) -> int | None:
    if not values:
        return None
    whole, rest = divmod(sum(values), len(values))
    return whole + (1 if rest * 2 >= len(values) else 0)


@dataclass(frozen=True)
class DigitalGroup:
    """One group's mean reported rates (basis points) and how many enterprises reported."""

    key: str
    label: str
    enterprises: int
    cnc_reported: int
    cnc_rate_bp: int | None
    design_reported: int
    design_tool_bp: int | None


@dataclass(frozen=True)
class DigitalTargets:
    """The target year's rates (basis points) and where they come from."""

    year: int
    cnc_rate_bp: int
    design_tool_bp: int
    source: str


@dataclass(frozen=True)
class DigitalIndicator:
    """Mean reported digitalisation rates per group, overall, and against the targets."""

    year: int
    by: str
    basis_zh: str
    groups: list[DigitalGroup]
    overall: DigitalGroup
    above_size_industry: DigitalGroup
    targets: DigitalTargets


def _group(key: str, label: str, rows: Iterable[tuple[Enterprise, DigitalReport]]) -> DigitalGroup:
    items = list(rows)
    cnc = [r.cnc_rate_bp for _, r in items if r.cnc_rate_bp is not None]
    design = [r.design_tool_bp for _, r in items if r.design_tool_bp is not None]
    return DigitalGroup(
        key=key,
        label=label,
        enterprises=len(items),
        cnc_reported=len(cnc),
        cnc_rate_bp=_mean(cnc),
        design_reported=len(design),
        design_tool_bp=_mean(design),
    )


def _place_names(session: Session, codes: list[str]) -> dict[str, str]:
    stmt = select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(codes))
    return {row.code: row.name for row in session.execute(stmt)}


def aggregate(
    session: Session, actor: Actor, *, year: int, by: str = "sector", sector: str | None = None
) -> DigitalIndicator:
    """Mean reported rates in ``year`` per sector or jurisdiction, overall and for the
    above-designated-size industrial enterprises the targets speak of."""
    if by not in ("sector", "jurisdiction"):
        raise NotAChoice("汇总方式应为 sector 或 jurisdiction", field="by")
    stmt = (
        select(Enterprise, DigitalReport)
        .join(DigitalReport, DigitalReport.enterprise_id == Enterprise.id)
        .where(Enterprise.id.in_(enterprise_ids(actor)), DigitalReport.year == year)
    )
    if sector:
        stmt = stmt.where(Enterprise.sector == sector)
    pairs = [(e, r) for e, r in session.execute(stmt.order_by(Enterprise.id))]
    groups: dict[str, list[tuple[Enterprise, DigitalReport]]] = {}
    for ent, row in pairs:
        key = ent.sector if by == "sector" else ent.jurisdiction_code
        groups.setdefault(key, []).append((ent, row))
    order = [s for s in SECTORS if s in groups] if by == "sector" else sorted(groups)
    labels = dict(SECTORS) if by == "sector" else _place_names(session, order)
    target_set = [(e, r) for e, r in pairs if e.sector == "industry" and e.above_size]
    return DigitalIndicator(
        year=year,
        by=by,
        basis_zh=BASIS_ZH,
        groups=[_group(k, labels.get(k, k), groups[k]) for k in order],
        overall=_group("all", "全部填报企业", pairs),
        above_size_industry=_group("above_size_industry", "规模以上工业企业", target_set),
        targets=DigitalTargets(
            year=TARGET_YEAR,
            cnc_rate_bp=CNC_TARGET_BP,
            design_tool_bp=DESIGN_TARGET_BP,
            source=TARGET_SOURCE_ZH,
        ),
    )
