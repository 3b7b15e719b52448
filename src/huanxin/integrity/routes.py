"""API of the integrity domain: review queue, case evidence, decisions, reports.

Reading needs ``integrity:read``; decisions need ``integrity:review`` and take an
Idempotency-Key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.integrity.schemas import (
    CaseDecisionRead,
    CaseDetail,
    CaseRead,
    DashboardRead,
    DecidedRead,
    DecisionBody,
    DetectorCount,
    MerchantRiskRead,
    PrecisionRead,
    ReasonRead,
)
from huanxin.integrity.service import reports, review
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1", tags=["integrity"])
Reader = Annotated[Actor, Depends(require("integrity:read"))]
Reviewer = Annotated[Actor, Depends(require("integrity:review"))]


def case_data(item: review.Case) -> CaseRead:
    return CaseRead(
        claim_id=item.claim.id,
        claim_state=item.claim.state,
        jurisdiction_code=item.score.jurisdiction_code,
        merchant_org_id=item.score.merchant_org_id,
        score=item.score.score,
        status=item.score.status,
        subsidy_fen=item.claim.subsidy_fen,
        reasons=[ReasonRead.model_validate(r, from_attributes=True) for r in item.reasons],
    )


@router.get("/integrity/queue")
def review_queue(
    actor: Reader, session: DbSession, paged: Paged, status: Code = "held"
) -> list[CaseRead]:
    """Claims of one review status (held: waiting), highest score first, paged."""
    rows = review.queue(session, actor, status=status, pager=paged.of(session))
    return [case_data(c) for c in rows]


@router.get("/integrity/claims/{claim_id}")
def claim_case(claim_id: Id, actor: Reader, session: DbSession) -> CaseDetail:
    item = review.case(session, actor, claim_id)
    return CaseDetail(
        **case_data(item).model_dump(),
        related_claim_ids=[c.id for c in review.related(session, actor, item.claim)],
        decisions=[
            CaseDecisionRead(decision=d.decision, note=d.note, user_id=d.user_id)
            for d in review.decisions_of(session, claim_id)
        ],
    )


@router.post("/integrity/claims/{claim_id}/decision")
@idempotent("integrity.decide.{claim_id}")
def decide(claim_id: Id, body: DecisionBody, actor: Reviewer, session: DbSession) -> DecidedRead:
    row = review.decide(session, actor, claim_id=claim_id, decision=body.decision, note=body.note)
    score = review.get_score(session, actor, claim_id)
    return DecidedRead(id=row.id, claim_id=claim_id, decision=row.decision, status=score.status)


@router.get("/integrity/precision")
def precision(actor: Reader, session: DbSession) -> list[PrecisionRead]:
    return [
        PrecisionRead.model_validate(reports.as_data(e))
        for e in reports.precision_report(session, actor)
    ]


@router.get("/integrity/dashboard")
def dashboard(actor: Reader, session: DbSession) -> DashboardRead:
    board = reports.dashboard(session, actor)
    return DashboardRead(
        by_status=board.by_status,
        by_detector=[DetectorCount(detector=d, title=t, claims=n) for d, t, n in board.by_detector],
        by_kind=board.by_kind,
        merchants=[
            MerchantRiskRead(
                org_id=m.org_id,
                name=name,
                score=m.score,
                flagged=m.flagged,
                held=m.held,
                claims=m.claims,
            )
            for m, name in board.merchants
        ],
    )
