"""The review queue and reviewers' decisions on held claims.

clear → the hold is lifted and the claim goes into the next payment batch; reject → the
claim ends through the claims lifecycle: ``lifecycle.reject`` for an application under
review (submitted/appealed), ``lifecycle.cancel`` for a point-of-sale claim not yet paid
(reserved/approved; the budget and the quota are released); refer → the claim stays held
and a referral to audit is recorded. Every decision is a ``ReviewDecision`` row and an
audit entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.service import common, lifecycle, queries
from huanxin.claims.service.queries import Claim
from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import utcnow
from huanxin.core.paging import Pager
from huanxin.integrity.errors import CannotReject, DecisionInvalid, NotHeld
from huanxin.integrity.models import HOLDING, Referral, ReviewDecision, RiskReason, RiskScore

DECISIONS: dict[str, str] = {"clear": "放行", "reject": "驳回", "refer": "移送审计"}
STATUS_LABELS: dict[str, str] = {
    "scored": "未达暂停线",
    "held": "暂停支付待复核",
    "cleared": "已放行",
    "rejected": "已驳回",
    "referred": "已移送审计",
}
REJECT_BY_CANCEL = frozenset({"reserved", "approved"})
REJECT_BY_REJECT = frozenset({"submitted", "appealed"})


@dataclass(frozen=True)
class Case:
    """A scored claim with its reasons, for the queue and the evidence page."""

    score: RiskScore
    claim: Claim
    reasons: list[RiskReason]


def get_score(session: Session, actor: Actor, claim_id: int) -> RiskScore:
    """The stored score of a claim in the actor's scope (404 otherwise)."""
    score = session.scalars(select(RiskScore).where(RiskScore.claim_id == claim_id)).first()
    return visible(actor, score, score.jurisdiction_code if score else None, "该申请没有风险记录")


def reasons_of(session: Session, claim_ids: list[int]) -> dict[int, list[RiskReason]]:
    out: dict[int, list[RiskReason]] = {i: [] for i in claim_ids}
    if claim_ids:
        stmt = select(RiskReason).where(RiskReason.claim_id.in_(claim_ids))
        for reason in session.scalars(stmt.order_by(RiskReason.points.desc(), RiskReason.id)):
            out[reason.claim_id].append(reason)
    return out


def queue(
    session: Session,
    actor: Actor,
    *,
    status: str = "held",
    limit: int = 200,
    pager: Pager | None = None,
) -> list[Case]:
    """Claims in scope with ``status`` (default: waiting for review), highest score first:
    the first ``limit``, or the page ``pager`` reads (the API)."""
    stmt = (
        select(RiskScore)
        .where(RiskScore.status == status, RiskScore.jurisdiction_code.in_(actor.scope_codes))
        .order_by(RiskScore.score.desc(), RiskScore.claim_id)
    )
    scores = pager(stmt) if pager else list(session.scalars(stmt.limit(limit)))
    return cases(session, scores)


def cases(session: Session, scores: list[RiskScore]) -> list[Case]:
    """The scored claims with their reasons, in the order of ``scores``."""
    claims = queries.by_ids(session, [s.claim_id for s in scores])
    pairs = [(s, claims[s.claim_id]) for s in scores if s.claim_id in claims]
    reasons = reasons_of(session, [s.claim_id for s, _ in pairs])
    return [Case(s, c, reasons[s.claim_id]) for s, c in pairs]


def cases_of(session: Session, scores: list[RiskScore]) -> list[Case]:
    """The queue's page of scores as cases: each with its claim and its reasons."""
    ids = [s.claim_id for s in scores]
    claims = {c.id: c for c in session.scalars(select(Claim).where(Claim.id.in_(ids)))}
    reasons = reasons_of(session, ids)
    return [Case(s, claims[s.claim_id], reasons[s.claim_id]) for s in scores]


def case(session: Session, actor: Actor, claim_id: int) -> Case:
    score = get_score(session, actor, claim_id)
    claim = common.get_claim(session, actor, claim_id)
    return Case(score, claim, reasons_of(session, [claim_id])[claim_id])


def related(session: Session, actor: Actor, claim: Claim, *, limit: int = 20) -> list[Claim]:
    """Other claims in scope sharing the person, serial, invoice or recycling certificate."""
    return queries.related(session, actor, claim, limit=limit)


def _reject_claim(session: Session, actor: Actor, claim: Claim, note: str) -> str:
    reason = f"骗补风险复核驳回：{note}"
    if claim.state in REJECT_BY_REJECT:
        lifecycle.reject(session, actor, claim_id=claim.id, reason=reason)
        return "rejected"
    if claim.state in REJECT_BY_CANCEL:
        lifecycle.cancel(session, actor, claim_id=claim.id, reason=reason)
        return "cancelled"
    raise CannotReject("该申请已进入支付或已结束，不能驳回，请移送审计")


def decide(
    session: Session, actor: Actor, *, claim_id: int, decision: str, note: str = ""
) -> ReviewDecision:
    """Record a reviewer's decision on a held claim (see the module docstring)."""
    if decision not in DECISIONS:
        raise DecisionInvalid("复核结论应为放行、驳回或移送审计", field="decision")
    note = note.strip()
    if decision != "clear" and not note:
        raise DecisionInvalid("驳回或移送审计须填写理由", field="note")
    score = get_score(session, actor, claim_id)
    if score.status not in HOLDING or (decision == "refer" and score.status == "referred"):
        raise NotHeld(f"该申请当前为「{STATUS_LABELS[score.status]}」，不在待复核状态")
    claim = common.get_claim(session, actor, claim_id, lock=True)
    detectors = [r.detector for r in reasons_of(session, [claim_id])[claim_id]]
    outcome = _reject_claim(session, actor, claim, note) if decision == "reject" else ""
    before = {"status": score.status}
    score.status = {"clear": "cleared", "reject": "rejected", "refer": "referred"}[decision]
    score.decided_at, score.decided_by = utcnow(), actor.user_id
    row = ReviewDecision(
        claim_id=claim_id,
        decision=decision,
        note=note,
        user_id=actor.user_id,
        detectors=json.dumps(detectors),
        at=score.decided_at,
    )
    session.add(row)
    session.flush()
    if decision == "refer":
        session.add(
            Referral(
                claim_id=claim_id,
                decision_id=row.id,
                note=note,
                jurisdiction_code=claim.jurisdiction_code,
                created_at=row.at,
            )
        )
    audit.record(
        session,
        actor,
        f"integrity.{decision}",
        object_type="claim",
        object_id=claim_id,
        before=before,
        after={"status": score.status},
        detail={"note": note, "detectors": detectors, "claim_outcome": outcome},
        jurisdiction_code=claim.jurisdiction_code,
    )
    return row


def decisions_of(session: Session, claim_id: int) -> list[ReviewDecision]:
    stmt = select(ReviewDecision).where(ReviewDecision.claim_id == claim_id)
    return list(session.scalars(stmt.order_by(ReviewDecision.id)))
