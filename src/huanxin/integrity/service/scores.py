"""Stored risk scores: writing a scan's results, and which claims are held from payment.

``store_scan`` upserts one ``RiskScore`` per claim with hits (held when at/above the hold
threshold), replaces its reasons, and releases claims that no longer fire. A claim a
reviewer already decided keeps its decision. Merchant scores are replaced by the scan's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from huanxin.claims.service import queries
from huanxin.core import audit
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.models import Organization
from huanxin.integrity.models import HOLDING, MerchantRisk, RiskReason, RiskScore
from huanxin.integrity.scan import ScanResult
from huanxin.integrity.scoring import ScoringPolicy

UNDECIDED = frozenset({"scored", "held"})


def held_claim_ids(session: Session, claim_ids: Iterable[int]) -> set[int]:
    """The claims among ``claim_ids`` that are held for review (settlement skips them)."""
    ids = list(claim_ids)
    if not ids:
        return set()
    held: set[int] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        stmt = select(RiskScore.claim_id).where(
            RiskScore.claim_id.in_(chunk), RiskScore.status.in_(sorted(HOLDING))
        )
        held.update(int(i) for i in session.scalars(stmt))
    return held


def _apply(score: RiskScore, value: int, hold: bool, now: datetime) -> None:
    score.score, score.hold, score.scanned_at = value, hold, now
    if score.status in UNDECIDED:
        score.status = "held" if hold else "scored"


def _scores(session: Session, judged: set[int] | None) -> dict[int, RiskScore]:
    """The stored scores of the ``judged`` claims (all stored scores if None)."""
    if judged is None:
        return {s.claim_id: s for s in session.scalars(select(RiskScore))}
    ids, found = sorted(judged), {}
    for start in range(0, len(ids), 900):
        stmt = select(RiskScore).where(RiskScore.claim_id.in_(ids[start : start + 900]))
        found.update({s.claim_id: s for s in session.scalars(stmt)})
    return found


def _store_claims(
    session: Session, result: ScanResult, now: datetime, judged: set[int] | None = None
) -> dict[str, int]:
    rows = {int(r["claim_id"]): r for r in result.claims.iter_rows(named=True)}
    claims = queries.owners(session, list(rows))
    existing = _scores(session, judged)
    new: list[dict[str, Any]] = []
    for claim_id, row in rows.items():
        claim, score = claims.get(claim_id), existing.get(claim_id)
        if claim is None:
            continue
        if score is None:
            new.append(_new_score(claim_id, claim, int(row["score"]), bool(row["hold"]), now))
        else:
            _apply(score, int(row["score"]), bool(row["hold"]), now)
    released = 0
    for claim_id, score in existing.items():
        if claim_id not in rows and score.status in UNDECIDED:
            released += score.status == "held"
            _apply(score, 0, False, now)
    if new:  # one multi-row INSERT per batch, not one ORM object per claim
        session.execute(insert(RiskScore), new)
    _replace_reasons(session, result, set(claims) | set(existing))
    held = sum(1 for r in rows.values() if r["hold"] and r["claim_id"] in claims)
    return {"scored": len(claims), "held": held, "released": released}


def _new_score(
    claim_id: int, claim: queries.ClaimOwner, value: int, hold: bool, now: datetime
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "jurisdiction_code": claim.jurisdiction_code,
        "merchant_org_id": claim.merchant_org_id,
        "score": value,
        "hold": hold,
        "status": "held" if hold else "scored",
        "scanned_at": now,
    }


def _reason_rows(hits: pl.DataFrame, claim_ids: set[int] | None = None) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": int(hit["claim_id"]),
            "detector": hit["detector"],
            "kind": hit["kind"],
            "title": hit["title"],
            "points": int(hit["score"]),
            "explanation": hit["explanation"],
        }
        for hit in hits.iter_rows(named=True)
        if claim_ids is None or int(hit["claim_id"]) in claim_ids
    ]


def _replace_reasons(session: Session, result: ScanResult, claim_ids: set[int]) -> None:
    ids = sorted(claim_ids)
    for start in range(0, len(ids), 900):
        session.execute(delete(RiskReason).where(RiskReason.claim_id.in_(ids[start : start + 900])))
    reasons = _reason_rows(result.hits, claim_ids)
    if reasons:
        session.execute(insert(RiskReason), reasons)


def _store_merchants(session: Session, result: ScanResult, now: datetime) -> int:
    session.execute(delete(MerchantRisk))
    rows = [r for r in result.merchants.iter_rows(named=True) if str(r["merchant_id"]).isdigit()]
    wanted = sorted({int(r["merchant_id"]) for r in rows})
    orgs: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        stmt = select(Organization.id, Organization.jurisdiction_code).where(
            Organization.id.in_(wanted[start : start + 900])
        )
        orgs.update({int(i): str(code) for i, code in session.execute(stmt)})
    stored = [_merchant_row(row, orgs, now) for row in rows if int(row["merchant_id"]) in orgs]
    if stored:
        session.execute(insert(MerchantRisk), stored)
    return len(stored)


def _merchant_row(row: dict[str, Any], orgs: dict[int, str], now: datetime) -> dict[str, Any]:
    org_id = int(row["merchant_id"])
    return {
        "org_id": org_id,
        "jurisdiction_code": orgs[org_id],
        "claims": int(row["claims"]),
        "flagged": int(row["flagged"]),
        "held": int(row["held"]),
        "score": int(row["score"]),
        "reasons": json.dumps(list(row["reasons"]), ensure_ascii=False),
        "scanned_at": now,
    }


def store_scan(
    session: Session, actor: AuditActor, result: ScanResult, *, judged: set[int] | None = None
) -> dict[str, Any]:
    """Write a scan of the database's claims: scores, reasons, holds, merchant scores.

    A full scan (``judged`` None) replaces every undecided score and the merchant scores; a
    daily scan only those of the claims it ``judged`` (merchant scores wait for a full scan).
    """
    now = utcnow()
    counts: dict[str, Any] = _store_claims(session, result, now, judged)
    if judged is None:
        counts["merchants"] = _store_merchants(session, result, now)
    session.flush()
    audit.record(
        session,
        actor,
        "integrity.scan_stored",
        object_type="integrity_scan",
        object_id=now.strftime("%Y%m%d%H%M%S"),
        detail={**counts, "judged": result.judged, "hits": result.hits.height},
    )
    return counts


def store_rejudged(
    session: Session, hits: pl.DataFrame, detectors: list[str], judged: set[int]
) -> None:
    """Replace the reasons of ``detectors`` on the ``judged`` claims by ``hits`` and score
    those claims again from all their reasons (the other detectors' stand)."""
    ids = sorted(judged)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        session.execute(
            delete(RiskReason).where(
                RiskReason.claim_id.in_(chunk), RiskReason.detector.in_(detectors)
            )
        )
    reasons = _reason_rows(hits)
    if reasons:
        session.execute(insert(RiskReason), reasons)
    session.flush()
    _rescore(session, ids)


def _rescore(session: Session, ids: list[int]) -> None:
    now, policy = utcnow(), ScoringPolicy()
    points: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        stmt = select(RiskReason.claim_id, RiskReason.points).where(
            RiskReason.claim_id.in_(ids[start : start + 900])
        )
        for claim_id, value in session.execute(stmt):
            points[claim_id] = points.get(claim_id, 0) + value
    scores, claims = _scores(session, set(ids)), queries.owners(session, list(points))
    for claim_id, total in points.items():
        score = scores.get(claim_id)
        if score is None and claim_id in claims:
            claim = claims[claim_id]
            score = RiskScore(
                claim_id=claim_id,
                jurisdiction_code=claim.jurisdiction_code,
                merchant_org_id=claim.merchant_org_id,
                status="scored",
            )
            session.add(score)
        if score is not None:
            value = min(total, 100)
            _apply(score, value, value >= policy.hold_threshold, now)
    for claim_id, score in scores.items():
        if claim_id not in points and score.status in UNDECIDED:
            _apply(score, 0, False, now)


def wire() -> None:
    """Install the review holds on the claims port (start-up, ``huanxin.domains.wire_ports``)."""
    from huanxin.claims import ports

    ports.install_review_holds(held_claim_ids)
