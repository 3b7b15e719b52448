"""Integrity reports: the risk dashboard, the precision of each detector judged by reviewers'
decisions, and a merchant's profile. Everything is limited to the actor's jurisdictions."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.claims.service import queries
from huanxin.core.actor import Actor, visible
from huanxin.core.models import Organization
from huanxin.integrity.models import MerchantRisk, ReviewDecision, RiskReason, RiskScore


@dataclass
class Dashboard:
    """Counts by review status, by detector and by fraud kind; the riskiest merchants."""

    by_status: dict[str, int]
    by_detector: list[tuple[str, str, int]]  # detector, title, claims
    by_kind: dict[str, int]
    merchants: list[tuple[MerchantRisk, str]]  # score row, merchant name


def dashboard(session: Session, actor: Actor, *, top: int = 10) -> Dashboard:
    scope = RiskScore.jurisdiction_code.in_(actor.scope_codes)
    by_status = dict(
        session.execute(
            select(RiskScore.status, func.count()).where(scope).group_by(RiskScore.status)
        ).all()
    )
    hits = (
        select(RiskReason.detector, RiskReason.title, RiskReason.kind, func.count())
        .join(RiskScore, RiskScore.claim_id == RiskReason.claim_id)
        .where(scope)
        .group_by(RiskReason.detector, RiskReason.title, RiskReason.kind)
    )
    by_detector, by_kind = [], Counter[str]()
    for detector, title, kind, n in session.execute(hits).all():
        by_detector.append((detector, title, int(n)))
        by_kind[kind] += int(n)
    by_detector.sort(key=lambda r: (-r[2], r[0]))
    return Dashboard(by_status, by_detector, dict(by_kind), top_merchants(session, actor, top))


def top_merchants(session: Session, actor: Actor, top: int) -> list[tuple[MerchantRisk, str]]:
    stmt = (
        select(MerchantRisk, Organization.name)
        .join(Organization, Organization.id == MerchantRisk.org_id)
        .where(MerchantRisk.jurisdiction_code.in_(actor.scope_codes))
        .order_by(MerchantRisk.score.desc(), MerchantRisk.org_id)
        .limit(top)
    )
    return [(m, str(name)) for m, name in session.execute(stmt).all()]


@dataclass
class DetectorPrecision:
    detector: str
    cleared: int = 0
    rejected: int = 0
    referred: int = 0

    @property
    def decided(self) -> int:
        return self.cleared + self.rejected

    @property
    def precision(self) -> float | None:
        """Share of decided hits that reviewers confirmed (rejected); None before any."""
        return round(self.rejected / self.decided, 4) if self.decided else None


def precision_report(session: Session, actor: Actor) -> list[DetectorPrecision]:
    """Per detector: how reviewers decided the claims it fired on (latest decision per claim)."""
    stmt = (
        select(ReviewDecision)
        .where(ReviewDecision.claim_id.in_(queries.ids_in(actor.scope_codes)))
        .order_by(ReviewDecision.id)
    )
    latest: dict[int, ReviewDecision] = {}
    for row in session.scalars(stmt):
        latest[row.claim_id] = row
    report: dict[str, DetectorPrecision] = {}
    slot = {"clear": "cleared", "reject": "rejected", "refer": "referred"}
    for row in latest.values():
        for detector in sorted(set(json.loads(row.detectors))):
            entry = report.setdefault(detector, DetectorPrecision(detector))
            setattr(entry, slot[row.decision], getattr(entry, slot[row.decision]) + 1)
    return sorted(report.values(), key=lambda e: e.detector)


@dataclass
class MerchantProfile:
    org: Organization
    risk: MerchantRisk | None
    reasons: list[str]
    states: dict[str, int] = field(default_factory=dict)


def merchant_profile(session: Session, actor: Actor, org_id: int) -> MerchantProfile:
    org = session.get(Organization, org_id)
    org = visible(actor, org, org.jurisdiction_code if org else None, "商户不存在")
    risk = session.scalars(select(MerchantRisk).where(MerchantRisk.org_id == org_id)).first()
    states = queries.state_counts(session, merchant_org_id=org_id)
    lines = json.loads(risk.reasons) if risk else []
    return MerchantProfile(org, risk, lines, states)


def as_data(entry: DetectorPrecision) -> dict[str, Any]:
    return {
        "detector": entry.detector,
        "cleared": entry.cleared,
        "rejected": entry.rejected,
        "referred": entry.referred,
        "precision": entry.precision,
    }
