"""The investment indicator: equipment investment of the seven sectors in a year against the
base year 2023 and the +25% target.

Basis: a project's equipment investment counts in the year of its 竣工投产 (completion)
date. The base year comes from baselines recorded by the department (``set_baseline``); when
none is recorded for the jurisdictions asked, the library's own 2023 completions are used and
``baseline_source`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, within
from huanxin.core.clock import utcnow
from huanxin.core.errors import NotAChoice, OutOfRange, PermissionDenied, Required
from huanxin.core.money import percent_of
from huanxin.equipment.models import InvestmentBaseline, Project
from huanxin.equipment.service.access import manages
from huanxin.equipment.vocab import SECTORS

BASE_YEAR = 2023
TARGET_YEAR = 2027
TARGET_GROWTH_BP = 2500
BASIS_ZH = "按项目竣工投产日期所在年度计入设备投资（竣工口径）"


def _completed(session: Session, codes: Iterable[str], year: int) -> dict[str, int]:
    stmt = (
        select(Project.sector, func.coalesce(func.sum(Project.equipment_investment_fen), 0))
        .where(Project.jurisdiction_code.in_(list(codes)), Project.stage == "completed")
        .where(Project.completed_on >= date(year, 1, 1), Project.completed_on <= date(year, 12, 31))
        .group_by(Project.sector)
    )
    return {sector: int(amount) for sector, amount in session.execute(stmt)}


def _recorded(session: Session, codes: Iterable[str], year: int) -> dict[str, int]:
    stmt = (
        select(InvestmentBaseline.sector, func.sum(InvestmentBaseline.amount_fen))
        .where(InvestmentBaseline.jurisdiction_code.in_(list(codes)))
        .where(InvestmentBaseline.year == year)
        .group_by(InvestmentBaseline.sector)
    )
    return {sector: int(amount) for sector, amount in session.execute(stmt)}


def growth_bp(value: int, base: int) -> int | None:
    """(value − base) / base in basis points, rounded half-up; None without a base."""
    if base <= 0:
        return None
    diff = (value - base) * 10_000
    whole, rest = divmod(abs(diff), base)
    magnitude = whole + (1 if rest * 2 >= base else 0)
    return magnitude if diff >= 0 else -magnitude


@dataclass(frozen=True)
class SectorInvestment:
    """One sector's equipment investment: base year and indicator year (fen)."""

    sector: str
    label: str
    baseline_fen: int
    value_fen: int
    growth_bp: int | None


@dataclass(frozen=True)
class Investment:
    """Equipment investment in a year against the base year, per sector and in total (fen)."""

    year: int
    jurisdiction_codes: list[str]
    basis: str
    basis_zh: str
    baseline_year: int
    baseline_source: str
    baseline_fen: int
    value_fen: int
    growth_bp: int | None
    target_year: int
    target_growth_bp: int
    target_fen: int
    met: bool | None
    sectors: list[SectorInvestment]


def investment_indicator(
    session: Session, *, jurisdiction_codes: Iterable[str], year: int
) -> Investment:
    """Equipment investment in ``year`` vs the 2023 baseline, per sector and in total (fen)."""
    codes = sorted(set(jurisdiction_codes))
    recorded = _recorded(session, codes, BASE_YEAR)
    base = recorded or _completed(session, codes, BASE_YEAR)
    value = _completed(session, codes, year)
    sectors = [
        SectorInvestment(
            s, label, base.get(s, 0), value.get(s, 0), growth_bp(value.get(s, 0), base.get(s, 0))
        )
        for s, label in SECTORS.items()
    ]
    baseline, current = sum(base.values()), sum(value.values())
    target = percent_of(baseline, 10_000 + TARGET_GROWTH_BP)
    return Investment(
        year=year,
        jurisdiction_codes=codes,
        basis="completion",
        basis_zh=BASIS_ZH,
        baseline_year=BASE_YEAR,
        baseline_source="recorded" if recorded else "library",
        baseline_fen=baseline,
        value_fen=current,
        growth_bp=growth_bp(current, baseline),
        target_year=TARGET_YEAR,
        target_growth_bp=TARGET_GROWTH_BP,
        target_fen=target,
        met=None if baseline == 0 else current >= target,
        sectors=sectors,
    )


def set_baseline(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    sector: str,
    amount_fen: int,
    source: str,
    year: int = BASE_YEAR,
) -> InvestmentBaseline:
    """Record (or correct) the base-year equipment investment of a jurisdiction and sector."""
    if not manages(actor):
        raise PermissionDenied("基期投资须由主管部门录入")
    within(actor, jurisdiction_code, "所属区划不在您的管辖范围内", field="jurisdiction_code")
    if sector not in SECTORS:
        raise NotAChoice("所属领域不正确", field="sector")
    if amount_fen < 0:
        raise OutOfRange("金额不能为负数", field="amount_fen")
    if not source.strip():
        raise Required("请注明数据来源", field="source")
    row = session.scalars(
        select(InvestmentBaseline).where(
            InvestmentBaseline.jurisdiction_code == jurisdiction_code,
            InvestmentBaseline.sector == sector,
            InvestmentBaseline.year == year,
        )
    ).first()
    before = None if row is None else {"amount_fen": row.amount_fen, "source": row.source}
    if row is None:
        row = InvestmentBaseline(
            jurisdiction_code=jurisdiction_code,
            sector=sector,
            year=year,
            amount_fen=0,
            source="",
            recorded_by=actor.user_id,
            recorded_at=utcnow(),
        )
        session.add(row)
    row.amount_fen, row.source = amount_fen, source.strip()[:255]
    row.recorded_by, row.recorded_at = actor.user_id, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.baseline_set",
        object_type="investment_baseline",
        object_id=row.id,
        before=before,
        after={"amount_fen": amount_fen, "source": row.source, "sector": sector, "year": year},
        jurisdiction_code=jurisdiction_code,
    )
    return row
