"""Finding claims by what a person knows of them: the claim number, the invoice number, the
product model, the device serial, the recycling certificate, the category's Chinese name,
and the identifiers stored only sealed — a resident ID or a VIN — by their keyed hash
(never by decrypting rows)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from huanxin.claims.models import Claim
from huanxin.core import identifiers, pii
from huanxin.core.bounds import BIGINT_MAX
from huanxin.core.errors import DomainError
from huanxin.core.vocab import CATEGORIES

WAITING = ("reserved", "submitted", "appealed")  # claims a reviewer has to decide


def _sealed(text: str) -> list[ColumnElement[bool]]:
    """Conditions on the keyed hashes of a resident ID or a VIN typed in full."""
    found: list[ColumnElement[bool]] = []
    for check, kind, column in (
        (identifiers.resident_id, "resident_id", Claim.person_key),
        (identifiers.vin, "vin", Claim.vin_key),
    ):
        try:
            found.append(column == pii.lookup_hash(kind, check(text)))
        except DomainError:
            continue
    return found


def _category(text: str) -> list[ColumnElement[bool]]:
    try:
        return [Claim.category == CATEGORIES.resolve(text, field="q")]
    except DomainError:
        return []


def matching(text: str) -> ColumnElement[bool]:
    """Claims whose number, invoice, model, serial, certificate, category, resident ID or VIN
    matches ``text`` (numbers and identifiers exactly, names by their part)."""
    text = text.strip()
    if not text:
        return ~false()
    part = f"%{text.replace('%', '').replace('_', '')}%"
    found = [
        Claim.invoice_no == text,
        Claim.product_model.ilike(part),
        Claim.device_serial.ilike(part),
        Claim.recycling_cert_no == text,
        Claim.serial_key == pii.lookup_hash("device_serial", text.upper()),
        *_sealed(text),
        *_category(text),
    ]
    if text.isdigit() and int(text) <= BIGINT_MAX:
        found.append(Claim.id == int(text))
    return or_(*found)
