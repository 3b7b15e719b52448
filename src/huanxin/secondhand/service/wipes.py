"""Data wiping of phones, tablets and computers before resale: the wipe record (NIST SP 800-88
method, tool, operator, time, verification) and the certificate a buyer checks publicly.

One serial holds at most one valid certificate: a new verified wipe revokes the earlier one.
A certificate is consumed ("used") by the resale it allows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import CHINA_TZ, as_utc, utcnow
from huanxin.core.errors import Conflict, OutOfRange
from huanxin.core.models import Organization
from huanxin.core.paging import Pager
from huanxin.secondhand import vocab
from huanxin.secondhand.errors import CertificateNotFound, CertificateRequired, WipeNotNeeded
from huanxin.secondhand.models import Dealer, WipeCertificate, WipeRecord
from huanxin.secondhand.service import common

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1
CODE_LENGTH = 12  # 32^12 = 2^60 possible codes
SUPERSEDED = "同一设备已重新清除并出具新证明"
STATUS_LABELS = {"valid": "有效", "used": "已用于一次转售登记", "revoked": "已撤销"}


def new_verify_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def _when(value: datetime) -> datetime:
    aware = value.replace(tzinfo=CHINA_TZ) if value.tzinfo is None else value
    if as_utc(aware) > utcnow():
        raise OutOfRange("清除时间不能晚于当前时间", field="wiped_at")
    return as_utc(aware)


def record_wipe(
    session: Session,
    actor: Actor,
    *,
    category: str,
    brand: str,
    model: str,
    serial: str,
    method: str,
    tool: str,
    operator_name: str,
    wiped_at: datetime,
    verified: bool,
    verification_note: str = "",
) -> WipeRecord:
    dealer = common.own_dealer(session, actor)
    if category not in vocab.DATA_BEARING:
        raise WipeNotNeeded("只有手机、平板电脑和计算机需要数据清除记录", field="category")
    common.choice(method, vocab.WIPE_METHODS, field="method", label="清除方式")
    operator = common.text(operator_name, field="operator_name", label="操作人员", max_len=32)
    row = WipeRecord(
        dealer_id=dealer.id,
        jurisdiction_code=dealer.jurisdiction_code,
        category=category,
        brand=common.text(brand, field="brand", label="品牌"),
        model=common.text(model, field="model", label="型号"),
        serial=common.serial(serial, category=category),
        method=method,
        tool=common.text(tool, field="tool", label="清除工具", max_len=128),
        operator_enc=pii.seal(operator),
        wiped_at=_when(wiped_at),
        verified=verified,
        verification_note=verification_note.strip()[:256],
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.wipe_recorded",
        object_type="sh_wipe",
        object_id=row.id,
        after={"serial": row.serial, "method": method, "verified": verified},
        jurisdiction_code=row.jurisdiction_code,
    )
    if verified:
        issue_certificate(session, actor, wipe=row)
    return row


def issue_certificate(session: Session, actor: Actor, *, wipe: WipeRecord) -> WipeCertificate:
    if not wipe.verified:
        raise Conflict("清除结果未通过验证，不能出具证明", field="verified")
    now = utcnow()
    session.execute(
        update(WipeCertificate)
        .where(WipeCertificate.serial == wipe.serial, WipeCertificate.status == "valid")
        .values(status="revoked", revoked_at=now, revoke_reason=SUPERSEDED)
    )
    cert = WipeCertificate(
        wipe_id=wipe.id,
        cert_no=f"WC{now.year}{wipe.id:08d}",
        verify_code=new_verify_code(),
        serial=wipe.serial,
        status="valid",
        issued_at=now,
    )
    session.add(cert)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.certificate_issued",
        object_type="sh_certificate",
        object_id=cert.id,
        after={"cert_no": cert.cert_no, "serial": cert.serial},
        jurisdiction_code=wipe.jurisdiction_code,
    )
    return cert


def certificate_of(session: Session, wipe_id: int) -> WipeCertificate | None:
    return session.scalars(
        select(WipeCertificate).where(WipeCertificate.wipe_id == wipe_id)
    ).first()


@dataclass(frozen=True)
class CertificateView:
    cert_no: str
    verify_code: str
    status: str
    status_label: str
    revoke_reason: str | None


@dataclass(frozen=True)
class WipeView:
    """A wipe record (operator's name masked) with its certificate, if one was issued."""

    id: int
    dealer_id: int
    category: str
    brand: str
    model: str
    serial: str
    method: str
    tool: str
    operator: str
    wiped_at: str
    verified: bool
    verification_note: str
    certificate: CertificateView | None


def _certificate_view(cert: WipeCertificate | None) -> CertificateView | None:
    if cert is None:
        return None
    return CertificateView(
        cert_no=cert.cert_no,
        verify_code=cert.verify_code,
        status=cert.status,
        status_label=STATUS_LABELS[cert.status],
        revoke_reason=cert.revoke_reason,
    )


def wipe_view(session: Session, wipe: WipeRecord) -> WipeView:
    return WipeView(
        id=wipe.id,
        dealer_id=wipe.dealer_id,
        category=wipe.category,
        brand=wipe.brand,
        model=wipe.model,
        serial=wipe.serial,
        method=wipe.method,
        tool=wipe.tool,
        operator=identifiers.mask_name(pii.unseal(wipe.operator_enc)),
        wiped_at=as_utc(wipe.wiped_at).isoformat(),
        verified=wipe.verified,
        verification_note=wipe.verification_note,
        certificate=_certificate_view(certificate_of(session, wipe.id)),
    )


def readable(session: Session, actor: Actor) -> Select[WipeRecord]:
    """The wipe records the actor may read: its scope's, or a dealer desk's own."""
    stmt = select(WipeRecord).where(WipeRecord.jurisdiction_code.in_(actor.scope_codes))
    if not actor.can("secondhand:read"):
        stmt = stmt.where(
            WipeRecord.dealer_id == common.own_dealer(session, actor, active=False).id
        )
    return stmt


def list_wipes(
    session: Session,
    actor: Actor,
    *,
    serial: str | None = None,
    limit: int = 200,
    pager: Pager | None = None,
) -> list[WipeRecord]:
    stmt = readable(session, actor)
    if serial and serial.strip():
        stmt = stmt.where(WipeRecord.serial == "".join(serial.split()).upper())
    stmt = stmt.order_by(WipeRecord.id.desc())
    return pager(stmt) if pager else list(session.scalars(stmt.limit(limit)))


def revoke(session: Session, actor: Actor, *, cert_no: str, reason: str) -> WipeCertificate:
    cert = session.scalars(
        select(WipeCertificate).where(WipeCertificate.cert_no == cert_no.strip().upper())
    ).first()
    wipe = session.get(WipeRecord, cert.wipe_id) if cert else None
    visible(actor, cert, wipe.jurisdiction_code if wipe else None, "证明不存在")
    assert cert is not None and wipe is not None
    if cert.status != "valid":
        raise Conflict("该证明已不处于有效状态", field="cert_no")
    note = common.text(reason, field="reason", label="撤销原因", max_len=256)
    cert.status, cert.revoked_at, cert.revoke_reason = "revoked", utcnow(), note
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.certificate_revoked",
        object_type="sh_certificate",
        object_id=cert.id,
        detail={"reason": note},
        jurisdiction_code=wipe.jurisdiction_code,
    )
    return cert


def usable_certificate(session: Session, *, cert_no: str | None, serial: str) -> WipeCertificate:
    """A valid certificate bound to ``serial`` (refused with the reason otherwise)."""
    if not cert_no:
        raise CertificateRequired(
            "手机、平板电脑或计算机须提供有效的数据清除证明", field="certificate_no"
        )
    cert = session.scalars(
        select(WipeCertificate).where(WipeCertificate.cert_no == cert_no.strip().upper())
    ).first()
    if cert is None:
        raise CertificateRequired("数据清除证明编号不存在", field="certificate_no")
    if cert.serial != serial:
        raise CertificateRequired("数据清除证明与该设备序列号不符", field="certificate_no")
    if cert.status != "valid":
        label = "已被使用" if cert.status == "used" else "已撤销"
        raise CertificateRequired(
            f"数据清除证明{label}，请重新清除并出具证明", field="certificate_no"
        )
    return cert


@dataclass(frozen=True)
class PublicCertificate:
    """What anyone may see of a certificate: no personal fields."""

    cert_no: str
    status: str
    status_label: str
    category: str
    category_label: str
    brand: str
    model: str
    serial: str
    method: str
    method_label: str
    tool: str
    wiped_at: str
    verified: bool
    issued_at: str
    issuer: str
    revoke_reason: str | None
    revoked_at: str | None


def public_check(session: Session, *, code: str) -> PublicCertificate:
    """What anyone may see of a certificate by its verification code: no personal fields."""
    cert = session.scalars(
        select(WipeCertificate).where(WipeCertificate.verify_code == normalise_code(code))
    ).first()
    if cert is None:
        raise CertificateNotFound("验证码无效，未找到对应的数据清除证明", field="code")
    wipe = session.get(WipeRecord, cert.wipe_id)
    assert wipe is not None
    dealer = session.get(Dealer, wipe.dealer_id)
    org = session.get(Organization, dealer.org_id) if dealer else None
    return PublicCertificate(
        cert_no=cert.cert_no,
        status=cert.status,
        status_label=STATUS_LABELS[cert.status],
        category=wipe.category,
        category_label=vocab.CATEGORIES[wipe.category],
        brand=wipe.brand,
        model=wipe.model,
        serial=wipe.serial,
        method=wipe.method,
        method_label=vocab.WIPE_METHODS[wipe.method],
        tool=wipe.tool,
        wiped_at=as_utc(wipe.wiped_at).isoformat(),
        verified=wipe.verified,
        issued_at=as_utc(cert.issued_at).isoformat(),
        issuer=org.name if org else "",
        revoke_reason=cert.revoke_reason,
        revoked_at=as_utc(cert.revoked_at).isoformat() if cert.revoked_at else None,
    )
