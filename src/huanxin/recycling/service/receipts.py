"""What a completed pickup leaves behind, read back for the pickup page, the consumer's
bookings and the API: the weighing and payment, the recycling certificates (their
verification codes are recomputed from the number, never stored) and the reverse invoice
if one was issued. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.recycling.models import Certificate, Pickup, PickupLine, ReverseInvoice
from huanxin.recycling.service import certificates
from huanxin.recycling.vocab import CONDITIONS, PAYMENT_METHODS, category, kg_text

CHECK_PATH = "/recycling/certificate"


@dataclass(frozen=True)
class CertificateView:
    number: str
    code: str
    category: str
    category_label: str
    weight_kg: str
    issued_on: str
    used: bool

    @property
    def check_path(self) -> str:
        """The public check page of this certificate, number and code filled in."""
        return f"{CHECK_PATH}?{urlencode({'number': self.number, 'code': self.code})}"

    @property
    def redeem_path(self) -> str:
        """The merchant's redemption form with this certificate and its category filled in."""
        query = {
            "recycling_cert_no": self.number,
            "recycling_cert_code": self.code,
            "category": self.category,
        }
        return f"/merchant/redeem?{urlencode(query)}"


@dataclass(frozen=True)
class LineView:
    label: str
    condition: str
    units: int
    weight_kg: str
    price_fen: int


@dataclass(frozen=True)
class InvoiceView:
    number: str
    amount_fen: int
    issued_on: str
    rule_id: str


@dataclass(frozen=True)
class PickupRecord:
    pickup_id: int
    booking_id: int
    completed_on: str
    weight_kg: str
    paid_fen: int
    payment_label: str
    payment_ref: str
    lines: list[LineView]
    certificates: list[CertificateView]
    invoice: InvoiceView | None


def certificate_view(cert: Certificate) -> CertificateView:
    return CertificateView(
        number=cert.number,
        code=certificates.code_for(cert.number),
        category=cert.category,
        category_label=category(cert.category).label,
        weight_kg=kg_text(cert.weight_g),
        issued_on=cert.issued_on.isoformat(),
        used=cert.used_claim_ref is not None,
    )


def _line_view(line: PickupLine) -> LineView:
    return LineView(
        label=category(line.category).label,
        condition=CONDITIONS.get(line.condition, line.condition),
        units=line.units,
        weight_kg=kg_text(line.weight_g),
        price_fen=line.price_fen,
    )


def _invoice_view(invoice: ReverseInvoice | None) -> InvoiceView | None:
    if invoice is None:
        return None
    return InvoiceView(
        number=invoice.number,
        amount_fen=invoice.amount_fen,
        issued_on=invoice.issued_on.isoformat(),
        rule_id=invoice.rule_id,
    )


def _record(session: Session, pickup: Pickup) -> PickupRecord:
    lines = session.scalars(
        select(PickupLine).where(PickupLine.pickup_id == pickup.id).order_by(PickupLine.id)
    )
    invoice = session.scalars(
        select(ReverseInvoice).where(ReverseInvoice.pickup_id == pickup.id)
    ).first()
    return PickupRecord(
        pickup_id=pickup.id,
        booking_id=pickup.booking_id,
        completed_on=pickup.completed_on.isoformat(),
        weight_kg=kg_text(pickup.weight_g),
        paid_fen=pickup.paid_fen,
        payment_label=PAYMENT_METHODS.get(pickup.payment_method, pickup.payment_method),
        payment_ref=pickup.payment_ref,
        lines=[_line_view(x) for x in lines],
        certificates=[certificate_view(c) for c in certificates.of_pickup(session, pickup.id)],
        invoice=_invoice_view(invoice),
    )


def records_for(session: Session, booking_ids: Iterable[int]) -> dict[int, PickupRecord]:
    """Booking id → what its completed pickup left behind (bookings not completed are absent).

    The caller has already scoped ``booking_ids`` to what its actor may read."""
    ids = list(booking_ids)
    if not ids:
        return {}
    pickups = session.scalars(select(Pickup).where(Pickup.booking_id.in_(ids)))
    return {p.booking_id: _record(session, p) for p in pickups}


def record_for(session: Session, booking_id: int) -> PickupRecord | None:
    return records_for(session, [booking_id]).get(booking_id)
