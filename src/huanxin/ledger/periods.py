"""Which programme version a pool funds: the programme must apply where the pool is (issued
nationally or by the pool's jurisdiction or one above it) and be in force in the pool's
budget year. The pool is named after that year's version, not the programme's first one,
and pauses below the largest subsidy one item can draw on it (the next sale's share).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.models import Jurisdiction
from huanxin.ledger.errors import ProgrammeNotHere
from huanxin.policy import service as policies
from huanxin.policy.api import NATIONAL_CODE, AmountRule, Layer, Programme

LAYER_LABELS = {"central": "中央", "province": "省级", "city": "市级", "county": "县级"}
MIN_YEAR, MAX_YEAR = 2000, 2100


def in_force(programme: Programme, year: int) -> bool:
    """Whether the version's effective period touches the calendar year."""
    start, end = programme.effective.start, programme.effective.end
    return start <= date(year, 12, 31) and (end is None or end >= date(year, 1, 1))


def version_for(
    session: Session, *, programme_id: str, jurisdiction_code: str, year: int
) -> Programme:
    """The version of ``programme_id`` in force in ``year`` that applies at the jurisdiction
    (the newest if two overlap the year); a refusal in Chinese otherwise."""
    versions = [p for p in policies.all_versions(session) if p.id == programme_id]
    if not versions:
        raise ProgrammeNotHere("政策不存在，请从已发布的政策中选择", field="programme_id")
    path = policies.path_of(session, jurisdiction_code)
    here = [
        p for p in versions if p.jurisdiction.code == NATIONAL_CODE or p.jurisdiction.code in path
    ]
    if not here:
        place = jurisdictions.full_name(session, jurisdiction_code)
        raise ProgrammeNotHere(
            f"政策「{versions[-1].title}」由{versions[-1].jurisdiction.name}制定，不适用于{place}，"
            "不能在此开设预算池",
            field="jurisdiction_code",
        )
    current = [p for p in here if in_force(p, year)]
    if not current:
        raise ProgrammeNotHere(
            f"政策「{here[-1].title}」在{year}年没有生效的版本，不能开设{year}年度预算池",
            field="period_year",
        )
    return max(current, key=lambda p: (p.effective.start, p.version))


def pool_name(session: Session, programme: Programme, layer: str, jurisdiction_code: str) -> str:
    """``2026年家电以旧换新补贴（国家）·中央·沁水县``."""
    place = session.get(Jurisdiction, jurisdiction_code)
    return f"{programme.title}·{LAYER_LABELS.get(layer, layer)}·{place.name if place else jurisdiction_code}"[
        :128
    ]


def _rule_max(rule: AmountRule) -> int:
    if rule.cap_fen is not None:
        return rule.cap_fen
    if rule.fixed_fen is not None:
        return rule.fixed_fen
    if rule.bands:
        return max(b.amount_fen for b in rule.bands)
    return 0  # a rate without a cap, or a per-unit amount: no bound known


def next_sale_fen(
    session: Session, programme: Programme, layer: str, jurisdiction_code: str
) -> int:
    """The most one item can draw on this layer: the largest capped amount of any category
    times the layer's share where the pool is (rounded up); at least 1 fen."""
    rules = [r for c in programme.categories for r in programme.amount_for(c)]
    largest = max((_rule_max(r) for r in rules), default=0)
    split = programme.funding.split_for(policies.path_of(session, jurisdiction_code))
    share = split.get(Layer(layer), 0) if layer in Layer.__members__ else 0
    return max(1, -(-largest * share // 10_000))
