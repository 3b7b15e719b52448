"""Recycling certificates: issued per appliance unit handed in, verified publicly by number
and code, and consumed once by a trade-in claim.

The number is ``RC`` + jurisdiction + issue date + pickup id + unit index, so it is unique
and reproducible. The 8-character verification code is a keyed hash of the number (only
its SHA-256 is stored). ``consume_certificate`` marks a certificate used with a
conditional UPDATE (``used_claim_ref IS NULL``), so two claims can never both consume it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from huanxin.core import audit, pii
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import utcnow
from huanxin.core.errors import Required, UnknownReference
from huanxin.recycling.errors import (
    CertificateAlreadyUsed,
    CertificateCategoryMismatch,
    CertificateCodeWrong,
)
from huanxin.recycling.models import Certificate, Pickup
from huanxin.recycling.vocab import category, kg_text

FIELD = "recycling_cert_no"


def code_for(number: str) -> str:
    """The verification code printed on the certificate."""
    return pii.lookup_hash("recycling_certificate", number)[:8].upper()


def _code_hash(number: str, code: str) -> str:
    return hashlib.sha256(f"{number}|{code.strip().upper()}".encode()).hexdigest()


def issue(
    session: Session, pickup: Pickup, *, category_code: str, weight_g: int, index: int
) -> tuple[Certificate, str]:
    """Create one certificate for the pickup; returns it with its code."""
    number = f"RC{pickup.jurisdiction_code}{pickup.completed_on:%Y%m%d}{pickup.id:08d}{index:02d}"
    code = code_for(number)
    cert = Certificate(
        number=number,
        code_hash=_code_hash(number, code),
        pickup_id=pickup.id,
        org_id=pickup.org_id,
        jurisdiction_code=pickup.jurisdiction_code,
        category=category_code,
        weight_g=weight_g,
        issued_on=pickup.completed_on,
    )
    session.add(cert)
    return cert, code


def find(session: Session, number: str) -> Certificate:
    """The certificate numbered ``number`` (callers have checked its code or scope)."""
    cert = session.query(Certificate).filter_by(number=number.strip()).one_or_none()
    if cert is None:
        raise UnknownReference("回收证明编号不存在", field=FIELD)
    return cert


def _find(session: Session, number: str, code: str) -> Certificate:
    cert = session.query(Certificate).filter_by(number=number.strip()).one_or_none()
    if cert is None:
        raise UnknownReference("回收证明编号不存在", field=FIELD)
    if not secrets.compare_digest(cert.code_hash, _code_hash(cert.number, code)):
        raise CertificateCodeWrong("回收证明校验码不正确", field=FIELD)
    return cert


def consume_certificate(
    session: Session, *, number: str, code: str, claim_ref: str, category: str | None = None
) -> int:
    """Mark the certificate used by ``claim_ref``; usable once. Returns the weight in grams
    of the old item the certificate was issued for (what the claim carries for the
    implausible-weight check).

    Raises InvalidInput (field ``recycling_cert_no``) for an unknown number, a wrong code or
    a category that does not match, and CertificateAlreadyUsed when already consumed.
    """
    cert = _find(session, number, code)
    if category is not None and cert.category != category:
        raise CertificateCategoryMismatch("回收证明的物品品类与申请不符", field=FIELD)
    if not claim_ref.strip():
        raise Required("申请编号不能为空", field="claim_ref")
    result = session.execute(
        update(Certificate)
        .where(Certificate.id == cert.id, Certificate.used_claim_ref.is_(None))
        .values(used_claim_ref=claim_ref, used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        raise CertificateAlreadyUsed("该回收证明已被其他补贴申请使用，不能重复使用", field=FIELD)
    session.refresh(cert)
    audit.record(
        session,
        SYSTEM,
        "recycling.certificate_consumed",
        object_type="recycling_certificate",
        object_id=cert.id,
        after={"claim_ref": claim_ref},
        jurisdiction_code=cert.jurisdiction_code,
    )
    return cert.weight_g


@dataclass(frozen=True)
class PublicCertificate:
    """The non-personal facts of a certificate, as the public check shows them."""

    number: str
    category: str
    category_label: str
    weight_kg: str
    issued_on: str
    jurisdiction_code: str
    used: bool


def verify(session: Session, *, number: str, code: str) -> PublicCertificate:
    """Public check: only non-personal fields of a certificate whose code matches."""
    cert = _find(session, number, code)
    return PublicCertificate(
        number=cert.number,
        category=cert.category,
        category_label=category(cert.category).label,
        weight_kg=kg_text(cert.weight_g),
        issued_on=cert.issued_on.isoformat(),
        jurisdiction_code=cert.jurisdiction_code,
        used=cert.used_claim_ref is not None,
    )


def of_pickup(session: Session, pickup_id: int) -> list[Certificate]:
    return list(session.query(Certificate).filter_by(pickup_id=pickup_id).order_by(Certificate.id))


def issued_totals(session: Session) -> tuple[int, int, int]:
    """``(issued, used by a claim, grams)`` over every certificate of the deployment."""
    from sqlalchemy import func, select

    stmt = select(
        func.count(Certificate.id),
        func.count(Certificate.used_claim_ref),
        func.coalesce(func.sum(Certificate.weight_g), 0),
    )
    issued, used, grams = session.execute(stmt).one()
    return int(issued), int(used), int(grams)
