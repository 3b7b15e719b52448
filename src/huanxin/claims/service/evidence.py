"""A reviewer's view of a claim's evidence and applicant: files opened inline (each opening
audited, so the checklist can only confirm what the reviewer actually opened) and the
applicant's identity masked, revealed in full on request to roles allowed to see it (audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.errors import EvidenceNotOpened
from huanxin.claims.models import Claim, Evidence
from huanxin.claims.service import common, lifecycle
from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor
from huanxin.core.errors import NotFound, PermissionDenied
from huanxin.core.models import AuditEntry

OPENED = "claim.evidence_opened"
# what a browser may show inline; anything else downloads
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@dataclass(frozen=True)
class Applicant:
    name: str
    resident_id: str
    masked: bool


def open_file(session: Session, actor: Actor, *, claim_id: int, evidence_id: int) -> Evidence:
    """The file, for someone who may read the claim; a reviewer's opening is audited."""
    claim = common.get_claim(session, actor, claim_id)
    found = session.get(Evidence, evidence_id)
    if found is None or found.claim_id != claim.id:
        raise NotFound("证明材料不存在", field="evidence_id")
    if actor.can("claims:review"):
        audit.record(
            session,
            actor,
            OPENED,
            object_type="claim_evidence",
            object_id=found.id,
            detail={"claim_id": claim.id, "kind": found.kind, "sha256": found.sha256},
            jurisdiction_code=claim.jurisdiction_code,
        )
    return found


def opened_ids(session: Session, actor: Actor, claim_id: int) -> set[int]:
    """Evidence of the claim this reviewer has opened."""
    ids = [e.id for e in session.scalars(select(Evidence).where(Evidence.claim_id == claim_id))]
    if not ids or not actor.user_id:
        return set()
    stmt = select(AuditEntry.object_id).where(
        AuditEntry.action == OPENED,
        AuditEntry.actor_user_id == actor.user_id,
        AuditEntry.object_type == "claim_evidence",
        AuditEntry.object_id.in_([str(i) for i in ids]),
    )
    return {int(v) for v in session.scalars(stmt)}


def check_opened(session: Session, actor: Actor, claim: Claim, ticked: frozenset[str]) -> None:
    """Refuse a ticked checklist item whose files the reviewer has not opened.

    A file filed under an item supports that item; a file filed under no item of the
    checklist (the web form's upload, a generic invoice, an appeal) may support any of
    them, so ticking anything needs it opened too.
    """
    if not ticked:
        return
    items = set(lifecycle.required_evidence(session, claim))
    files = list(session.scalars(select(Evidence).where(Evidence.claim_id == claim.id)))
    opened = opened_ids(session, actor, claim.id)
    unopened = [
        f for f in files if (f.kind in ticked or f.kind not in items) and f.id not in opened
    ]
    if unopened:
        names = "、".join(f.filename for f in unopened)
        raise EvidenceNotOpened(f"请先打开并查看材料后再勾选核对：{names}", field="checklist")


def applicant(session: Session, actor: Actor, claim: Claim, *, reveal: bool) -> Applicant:
    """The applicant's name and resident ID: masked, or in full for ``pii:read_full`` (audited)."""
    name, rid = pii.unseal(claim.person_name_enc), pii.unseal(claim.resident_id_enc)
    if not reveal:
        return Applicant(identifiers.mask_name(name), identifiers.mask_resident_id(rid), True)
    if not actor.can("pii:read_full"):
        raise PermissionDenied("无权查看完整个人信息")
    audit.record(
        session,
        actor,
        "pii.revealed",
        object_type="claim",
        object_id=claim.id,
        detail={"fields": ["person_name", "resident_id"]},
        jurisdiction_code=claim.jurisdiction_code,
    )
    return Applicant(name, rid, False)
