"""The review queue as the page kit pages, sorts, filters, searches and exports it: scored
claims in scope, opening on those held for review, highest score first."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select

from huanxin.claims.api import LABELS
from huanxin.integrity.models import RiskReason, RiskScore
from huanxin.integrity.service.review import STATUS_LABELS, Case
from huanxin.web.kit.lists import Column, Filter, ListSpec

OPENING = "held"


def _matching(text: str) -> ColumnElement[bool]:
    """A claim by its number, or the claims a rule whose name holds ``text`` hit."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    hit = select(RiskReason.claim_id).where(RiskReason.title.ilike(part))
    number = text.removeprefix("#")
    by_number = [RiskScore.claim_id == int(number)] if number.isdigit() and len(number) < 19 else []
    return or_(*by_number, RiskScore.claim_id.in_(hit))


def _rules(case: Case) -> str:
    return "、".join(r.title for r in case.reasons)


SPEC = ListSpec(
    title="风险复核队列",
    columns=(
        Column("claim", "申请", RiskScore.claim_id, lambda c: c.claim.id),
        Column("score", "风险分", RiskScore.score, lambda c: c.score.score),
        Column("rules", "命中规则", None, _rules),
        Column("status", "复核状态", RiskScore.status, lambda c: STATUS_LABELS[c.score.status]),
        Column("claim_state", "申请状态", None, lambda c: LABELS.get(c.claim.state, c.claim.state)),
        Column("subsidy", "补贴（元）", None, lambda c: Decimal(c.claim.subsidy_fen) / 100),
    ),
    default_sort="-score",
    tiebreak=RiskScore.claim_id,
    search=_matching,
    search_hint="申请编号或命中规则",
    filters=(Filter("status", "复核状态", STATUS_LABELS, lambda v: RiskScore.status == v),),
)
