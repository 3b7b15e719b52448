"""After the sale: verification, cancellation, returns, post-purchase applications, review
and appeals. Every step is a checked transition with its audit entry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.errors import AppealNotAllowed, EvidenceInvalid, ReturnWindowClosed
from huanxin.claims.models import Claim, Clawback, Evidence
from huanxin.claims.service import clocks, common, national, quotas
from huanxin.core import workdays
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.policy import service as policies
from huanxin.policy.api import Programme

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
_MAGIC = {b"%PDF": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def verify(session: Session, actor: Actor, *, claim_id: int, note: str = "") -> Claim:
    """Office or department confirms a point-of-sale claim: reserved → approved."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    common.transition(session, actor, claim, "approved", note=note or "核验通过")
    return claim


def cancel(session: Session, actor: Actor, *, claim_id: int, reason: str) -> Claim:
    """Before payment: the budget is released and the quota can be used again."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    common.transition(session, actor, claim, "cancelled", note=reason)
    common.release_parts(session, claim)
    quotas.set_state(session, claim.quota_id, "issued")
    claim.serial_key = None
    claim.vin_key = None
    national.release(session, claim.id)
    return claim


def _programmes(session: Session, claim: Claim) -> list[Programme]:
    """The programme versions the claim was computed under."""
    refs = [ref.rsplit("@", 1) for ref in common.versions_of(json.loads(claim.quote))]
    return [policies.get_version(session, pid, int(version)) for pid, version in refs]


def _return_rule(session: Session, claim: Claim) -> tuple[int | None, str]:
    """The shortest return window of the claim's programmes, and what happens to the quota
    (restored only if every programme says so)."""
    rules = [p.returns for p in _programmes(session, claim) if p.returns is not None]
    if not rules:
        return None, "consumed"
    restored = all(r.quota_on_return.value == "restored" for r in rules)
    return min(r.window_days for r in rules), "restored" if restored else "consumed"


def required_evidence(session: Session, claim: Claim) -> dict[str, str]:
    """Evidence kinds the claim's programmes require, with their Chinese labels (the checklist)."""
    return {e.kind: e.label for p in _programmes(session, claim) for e in p.evidence}


def record_return(
    session: Session, actor: Actor, *, claim_id: int, returned_on: date | None = None
) -> Claim:
    """A return within the rule's window: release the budget, or claw it back if paid."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    returned_on = returned_on or today_cn()
    window, quota_rule = _return_rule(session, claim)
    if window is not None and (returned_on - claim.purchase_date).days > window:
        raise ReturnWindowClosed(
            f"已超过政策规定的{window}天退货期限，补贴不予追回处理", field="returned_on"
        )
    was = claim.state
    common.transition(session, actor, claim, "returned", note=f"退货日期{returned_on.isoformat()}")
    if was == "paid":
        common.claw_back_parts(session, claim)
        session.add(
            Clawback(
                claim_id=claim.id,
                payee=claim.payee,
                amount_fen=claim.subsidy_fen,
                created_at=utcnow(),
            )
        )
    else:
        common.release_parts(session, claim)
    quotas.set_state(session, claim.quota_id, "issued" if quota_rule == "restored" else "void")
    national.release(session, claim.id, keep_person=quota_rule != "restored")
    return claim


def check_evidence(filename: str, content: bytes) -> str:
    if not content:
        raise EvidenceInvalid("上传文件为空", field="file")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise EvidenceInvalid("文件超过10MB", field="file")
    for magic, kind in _MAGIC.items():
        if content.startswith(magic):
            return kind
    raise EvidenceInvalid(f"文件「{filename}」不是PDF、JPG或PNG", field="file")


@dataclass(frozen=True)
class Upload:
    kind: str
    filename: str
    content: bytes


def attach(session: Session, claim: Claim, upload: Upload, *, for_appeal: bool = False) -> None:
    content_type = check_evidence(upload.filename, upload.content)
    session.add(
        Evidence(
            claim_id=claim.id,
            kind=upload.kind,
            filename=upload.filename[:200],
            content_type=content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
            for_appeal=for_appeal,
            uploaded_at=utcnow(),
        )
    )


def review_due(session: Session, claim: Claim) -> date:
    """The review deadline the claims list shows, counted from today: the programme's review
    limit on the official calendar (working days where it says so, clocks.py), else 15 days."""
    limits = clocks.limits_of(session, claim)
    if limits is None or not limits.review_days:
        return today_cn() + timedelta(days=15)
    calendar = workdays.load(session)
    if limits.working_days:
        return calendar.add_workdays(today_cn(), limits.review_days)
    return calendar.add_days(today_cn(), limits.review_days)


def approve(
    session: Session,
    actor: Actor,
    *,
    claim_id: int,
    note: str = "",
    checklist: frozenset[str] = frozenset(),
) -> Claim:
    """submitted/appealed → approved: the budget is reserved now, all parts or none. The
    reviewer must confirm every item of the programme's evidence checklist."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    if claim.state == "appealed" and claim.reviewer_user_id == actor.user_id:
        raise AppealNotAllowed("申诉须由原审核人以外的人员处理")
    missing = [
        label for kind, label in required_evidence(session, claim).items() if kind not in checklist
    ]
    if missing:
        raise EvidenceInvalid(
            "请逐项核对证明材料后再审核通过，未核对：" + "、".join(missing), field="checklist"
        )
    common.transition(
        session,
        actor,
        claim,
        "approved",
        note=note or "审核通过",
        detail={"checklist": sorted(checklist)},
    )
    from huanxin.policy.api import Quote

    national.claim(session, claim)
    common.reserve_parts(session, claim, Quote.model_validate_json(claim.quote))
    _decided(claim, actor, note)
    return claim


def reject(session: Session, actor: Actor, *, claim_id: int, reason: str) -> Claim:
    claim = common.get_claim(session, actor, claim_id, lock=True)
    if not reason.strip():
        raise EvidenceInvalid("驳回须填写理由", field="reason")
    if claim.state == "appealed":
        if claim.reviewer_user_id == actor.user_id:
            raise AppealNotAllowed("申诉须由原审核人以外的人员处理")
        common.transition(session, actor, claim, "rejected_final", note=reason)
    else:
        common.transition(session, actor, claim, "rejected", note=reason)
    _decided(claim, actor, reason)
    return claim


def _decided(claim: Claim, actor: Actor, note: str) -> None:
    if claim.appeal_reason:
        claim.appeal_reviewer_user_id = actor.user_id
    else:
        claim.reviewer_user_id = actor.user_id
    claim.decision_reason = note


def appeal(session: Session, actor: Actor, *, claim_id: int, reason: str, upload: Upload) -> Claim:
    """A rejected applicant appeals once, with new evidence."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    if claim.appeal_reason:
        raise AppealNotAllowed("每件申请只能申诉一次")
    if not reason.strip():
        raise EvidenceInvalid("申诉须说明理由", field="reason")
    common.transition(session, actor, claim, "appealed", note=reason)
    attach(session, claim, upload, for_appeal=True)
    claim.appeal_reason = reason.strip()
    claim.review_due = review_due(session, claim)
    return claim


def evidence_of(session: Session, claim_id: int) -> list[Evidence]:
    return list(
        session.scalars(select(Evidence).where(Evidence.claim_id == claim_id).order_by(Evidence.id))
    )
