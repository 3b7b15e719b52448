"""Draining the queue after an outage, and keeping this province's copy of its matches.

``drain`` sends each pending claim as a *deferred* claim: granted keys confirm it (it may
now be paid); a key another province holds turns it into a duplicate, with a match at the
registry that both provinces see in their review queues. It also sends releases that did
not get through, then refreshes the matches. It stops at the first call that fails (the
registry is still away) and is safe to run from several processes at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import utcnow
from huanxin.db import Database
from huanxin.federation.client import RegistryRefused, Unreachable, WireKey
from huanxin.federation.models import KeyState, MatchRecord, NationalClaim
from huanxin.federation.service import Federation, claim_id_of, move, skip_locked


@dataclass
class DrainResult:
    confirmed: int = 0
    duplicates: int = 0
    released: int = 0
    remaining: int = 0
    reachable: bool = True


def drain(db: Database, fed: Federation, *, batch: int = 200) -> DrainResult:
    result = DrainResult()
    while result.reachable and _drain_batch(db, fed, result, batch) == batch:
        pass
    if result.reachable:
        with db.sessions() as session:
            releasing = list(
                session.scalars(
                    select(NationalClaim.claim_id).where(NationalClaim.state == KeyState.releasing)
                )
            )
        result.released = fed.send_releases(db.engine, releasing) if releasing else 0
        try:
            with db.unit_of_work() as session:
                sync_matches(session, fed)
        except (Unreachable, RegistryRefused):
            result.reachable = False
    with db.sessions() as session:
        pending = select(func.count()).where(NationalClaim.state == KeyState.pending)
        result.remaining = int(session.scalar(pending.select_from(NationalClaim)) or 0)
    return result


def _drain_batch(db: Database, fed: Federation, result: DrainResult, batch: int) -> int:
    with db.unit_of_work() as session:
        stmt = select(NationalClaim).where(NationalClaim.state == KeyState.pending)
        rows = list(
            session.scalars(
                skip_locked(session, stmt.order_by(NationalClaim.claim_id).limit(batch))
            )
        )
        for row in rows:
            wire = [WireKey(**k) for k in json.loads(row.keys)]
            try:
                answer = fed.client.claim(row.ref, wire, deferred=True)
            except (Unreachable, RegistryRefused) as exc:
                row.last_error, result.reachable = str(exc)[:500], False
                break
            row.attempts += 1
            if answer["granted"]:
                move(row, KeyState.confirmed)
                result.confirmed += 1
            else:
                move(row, KeyState.duplicate)
                _record_challenges(session, row, answer)
                result.duplicates += 1
            audit.record(
                session,
                SYSTEM,
                f"federation.claim_{row.state}",
                object_type="claim",
                object_id=row.claim_id,
                after={"state": row.state},
                jurisdiction_code=row.jurisdiction_code,
            )
    return len(rows)


def _record_challenges(session: Session, row: NationalClaim, answer: dict[str, Any]) -> None:
    for key in answer["keys"]:
        if key.get("match_id") is None:
            continue
        _upsert(
            session,
            {
                "id": key["match_id"],
                "kind": key["kind"],
                "side": "challenger",
                "holder": key["holder"],
                "holder_name": key["holder_name"],
                "challenger_ref": row.ref,
                "status": "open",
                "holder_disposition": None,
                "challenger_disposition": None,
                "outcome": None,
            },
            row.jurisdiction_code,
        )


def sync_matches(session: Session, fed: Federation) -> int:
    """Refresh every match this province is part of; act on the ones that just closed."""
    remote = fed.client.matches()
    for match in remote:
        jurisdiction = _jurisdiction(session, match)
        record = _upsert(session, match, jurisdiction)
        if record.side == "challenger" and record.outcome == "challenger_keeps":
            row = session.get(NationalClaim, record.claim_id)
            if row is not None and row.state == KeyState.duplicate:
                move(row, KeyState.pending)  # the other province gave way: claim again
    return len(remote)


def _jurisdiction(session: Session, match: dict[str, Any]) -> str:
    ref = match["holder_ref"] if match["side"] == "holder" else match["challenger_ref"]
    row = session.get(NationalClaim, claim_id_of(ref))
    return row.jurisdiction_code if row is not None else ""


def _upsert(session: Session, match: dict[str, Any], jurisdiction: str) -> MatchRecord:
    side = match["side"]
    other = "challenger" if side == "holder" else "holder"
    record = session.scalars(
        select(MatchRecord).where(MatchRecord.registry_match_id == match["id"])
    ).first()
    now = utcnow()
    if record is None:
        ref = match["holder_ref"] if side == "holder" else match["challenger_ref"]
        record = MatchRecord(
            registry_match_id=match["id"],
            claim_id=claim_id_of(ref),
            jurisdiction_code=jurisdiction,
            side=side,
            kind=match["kind"],
            other_code=match[other],
            other_name=match[f"{other}_name"],
            created_at=now,
        )
        session.add(record)
    record.status, record.outcome, record.updated_at = match["status"], match["outcome"], now
    record.our_disposition = match[f"{side}_disposition"]
    record.their_disposition = match[f"{other}_disposition"]
    session.flush()
    return record
