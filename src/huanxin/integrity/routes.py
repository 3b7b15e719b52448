"""API of the integrity domain: review queue, case evidence, decisions, reports.

Reading needs ``integrity:read``; decisions need ``integrity:review`` and take an
Idempotency-Key.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, IdempotencyKey, Text
from huanxin.integrity.service import reports, review
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond

router = APIRouter(prefix="/api/v1", tags=["integrity"])
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("integrity:read"))]
Reviewer = Annotated[Actor, Depends(require("integrity:review"))]


class DecisionBody(BaseModel):
    decision: Code
    note: Text = ""


def case_data(item: review.Case) -> dict[str, Any]:
    return {
        "claim_id": item.claim.id,
        "claim_state": item.claim.state,
        "jurisdiction_code": item.score.jurisdiction_code,
        "merchant_org_id": item.score.merchant_org_id,
        "score": item.score.score,
        "status": item.score.status,
        "subsidy_fen": item.claim.subsidy_fen,
        "reasons": [
            {
                "detector": r.detector,
                "kind": r.kind,
                "title": r.title,
                "points": r.points,
                "explanation": r.explanation,
            }
            for r in item.reasons
        ],
    }


@router.get("/integrity/queue")
def review_queue(actor: Reader, session: DbSession, status: Code = "held") -> list[dict[str, Any]]:
    return [case_data(c) for c in review.queue(session, actor, status=status)]


@router.get("/integrity/claims/{claim_id}")
def claim_case(claim_id: Id, actor: Reader, session: DbSession) -> dict[str, Any]:
    item = review.case(session, actor, claim_id)
    data = case_data(item)
    data["related_claim_ids"] = [c.id for c in review.related(session, actor, item.claim)]
    data["decisions"] = [
        {"decision": d.decision, "note": d.note, "user_id": d.user_id}
        for d in review.decisions_of(session, claim_id)
    ]
    return data


@router.post("/integrity/claims/{claim_id}/decision")
def decide(
    claim_id: Id,
    body: DecisionBody,
    actor: Reviewer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        row = review.decide(
            session, actor, claim_id=claim_id, decision=body.decision, note=body.note
        )
        score = review.get_score(session, actor, claim_id)
        return 200, {
            "id": row.id,
            "claim_id": claim_id,
            "decision": row.decision,
            "status": score.status,
        }

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope=f"integrity.decide.{claim_id}",
        payload=body.model_dump(),
        action=action,
    )


@router.get("/integrity/precision")
def precision(actor: Reader, session: DbSession) -> list[dict[str, Any]]:
    return [reports.as_data(e) for e in reports.precision_report(session, actor)]


@router.get("/integrity/dashboard")
def dashboard(actor: Reader, session: DbSession) -> dict[str, Any]:
    board = reports.dashboard(session, actor)
    return {
        "by_status": board.by_status,
        "by_detector": [{"detector": d, "title": t, "claims": n} for d, t, n in board.by_detector],
        "by_kind": board.by_kind,
        "merchants": [
            {
                "org_id": m.org_id,
                "name": name,
                "score": m.score,
                "flagged": m.flagged,
                "held": m.held,
                "claims": m.claims,
            }
            for m, name in board.merchants
        ],
    }
