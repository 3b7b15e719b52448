"""The bureau's data-wiping records and certificates (/secondhand/certificates) as the page kit
pages, sorts, filters, searches and exports them: every record in scope (the page showed the
newest 200), newest first; filters by certificate state, method and category; search by serial
or IMEI, certificate number, brand, model or dealer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import Dealer, WipeCertificate, WipeRecord
from huanxin.secondhand.service.wipes import STATUS_LABELS
from huanxin.web.kit.lists import Column, Filter, ListSpec

NO_CERTIFICATE = "none"
CERT_STATES = {**STATUS_LABELS, NO_CERTIFICATE: "未出具（验证未通过）"}


def _cert_state(value: str) -> ColumnElement[bool]:
    if value == NO_CERTIFICATE:
        return WipeRecord.id.not_in(select(WipeCertificate.wipe_id))
    return WipeRecord.id.in_(select(WipeCertificate.wipe_id).where(WipeCertificate.status == value))


def _matching(text: str) -> ColumnElement[bool]:
    """Records by serial (spaces ignored), certificate number, brand, model or dealer name."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    serial = f"%{''.join(text.split()).upper().replace('%', '').replace('_', '')}%"
    dealers = select(Dealer.id).join(Organization, Organization.id == Dealer.org_id)
    certs = select(WipeCertificate.wipe_id).where(WipeCertificate.cert_no.ilike(part))
    return or_(
        WipeRecord.serial.ilike(serial),
        WipeRecord.brand.ilike(part),
        WipeRecord.model.ilike(part),
        WipeRecord.id.in_(certs),
        WipeRecord.dealer_id.in_(dealers.where(Organization.name.ilike(part))),
    )


def _cert(row: dict[str, Any], key: str) -> str:
    cert = row["certificate"]
    return str(cert[key] or "") if cert else ""


SPEC = ListSpec(
    title="数据清除记录",
    columns=(
        Column("dealer", "经营者", None, lambda r: r["dealer"]),
        Column("category", "品类", WipeRecord.category, lambda r: vocab.CATEGORIES[r["category"]]),
        Column("device", "设备", WipeRecord.brand, lambda r: f"{r['brand']} {r['model']}"),
        Column("serial", "序列号", WipeRecord.serial, lambda r: r["serial"]),
        Column("method", "方式", WipeRecord.method, lambda r: vocab.WIPE_METHODS[r["method"]]),
        Column(
            "verified", "验证", WipeRecord.verified, lambda r: "通过" if r["verified"] else "未通过"
        ),
        Column("wiped", "清除时间", WipeRecord.wiped_at, lambda r: r["wiped"]),
        Column("cert", "证明编号", None, lambda r: _cert(r, "cert_no")),
        Column("state", "证明状态", None, lambda r: _cert(r, "status_label") or "未出具"),
        Column("reason", "撤销原因", None, lambda r: _cert(r, "revoke_reason")),
    ),
    default_sort="-wiped",
    tiebreak=WipeRecord.id,
    search=_matching,
    search_hint="序列号/IMEI、证明编号、品牌、型号或经营者",
    filters=(
        Filter("state", "证明状态", CERT_STATES, _cert_state),
        Filter("method", "清除方式", vocab.WIPE_METHODS, lambda v: WipeRecord.method == v),
        Filter("category", "品类", vocab.CATEGORIES, lambda v: WipeRecord.category == v),
    ),
)
