"""The merchant's till (收银台): finding a catalogue model as the assistant types it (by
model, brand, the brand's pinyin or initials, the category's name, or the scanned 69 barcode),
and the consumer's receipt of a point-of-sale sale with its subsidy arithmetic.

Reads only: the sale itself is ``service.redeem``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from huanxin.claims import states
from huanxin.claims.errors import NoReceipt
from huanxin.claims.models import CatalogueProduct, Claim, MerchantStore, Quota
from huanxin.claims.service import common
from huanxin.core import identifiers, pii
from huanxin.core.actor import Actor
from huanxin.core.models import Organization
from huanxin.core.money import rate_label
from huanxin.core.vocab import CATEGORIES, FUNDING_LAYERS, Vocabulary, pinyin_of

SUGGESTIONS = 8
GTIN_LENGTH = 13


@dataclass(frozen=True)
class ModelHit:
    """One catalogue model offered at the till."""

    category: str
    category_label: str
    brand: str
    model: str
    grade: int | None
    list_price_fen: int
    barcode: str | None


@lru_cache(maxsize=4096)
def _brand_pinyin(brand: str) -> str:
    full, initials = pinyin_of(brand)
    return f"{brand.lower()} {full} {initials}"


def _brands_matching(session: Session, text: str) -> list[str]:
    brands = session.scalars(select(CatalogueProduct.brand).distinct())
    return [b for b in brands if text in _brand_pinyin(b)]


def _categories_matching(vocabulary: Vocabulary, text: str) -> list[str]:
    return [
        o.code
        for o in vocabulary.options
        if text in (o.label, o.pinyin, o.initials) or (len(text) > 1 and text in o.label)
    ]


def _matches(session: Session, text: str, vocabulary: Vocabulary) -> ColumnElement[bool]:
    if text.isdigit() and len(text) == GTIN_LENGTH:
        return CatalogueProduct.barcode == text
    return or_(
        func.lower(CatalogueProduct.model).contains(text, autoescape=True),
        CatalogueProduct.brand.in_(_brands_matching(session, text)),
        CatalogueProduct.category.in_(_categories_matching(vocabulary, text)),
    )


def suggest_models(
    session: Session, *, text: str, on_date: date, vocabulary: Vocabulary = CATEGORIES
) -> list[ModelHit]:
    """Up to ``SUGGESTIONS`` models valid on ``on_date`` in the categories of ``vocabulary``
    that match ``text``: a model number containing it, a brand whose name, pinyin or initials
    contain it, a category it names, or (13 digits) the model's 69 barcode.

    Models whose number starts with the text come first."""
    wanted = "".join(text.split()).lower()[:64]
    if not wanted:
        return []
    model = func.lower(CatalogueProduct.model)
    stmt = (
        select(CatalogueProduct)
        .where(
            _matches(session, wanted, vocabulary),
            CatalogueProduct.category.in_(list(vocabulary.labels)),
            CatalogueProduct.valid_from <= on_date,
            or_(CatalogueProduct.valid_to.is_(None), CatalogueProduct.valid_to >= on_date),
        )
        .order_by(model.startswith(wanted, autoescape=True).desc(), CatalogueProduct.model)
        .limit(SUGGESTIONS)
    )
    return [_hit(p, vocabulary) for p in session.scalars(stmt)]


def _hit(product: CatalogueProduct, vocabulary: Vocabulary) -> ModelHit:
    return ModelHit(
        category=product.category,
        category_label=vocabulary.label(product.category),
        brand=product.brand,
        model=product.model,
        grade=product.grade,
        list_price_fen=product.list_price_fen,
        barcode=product.barcode,
    )


def category_of_model(session: Session, model: str, codes: list[str]) -> str | None:
    """The category of ``model`` when the catalogue lists it in exactly one of ``codes``
    (so the assistant who picked a model need not pick its category as well)."""
    stmt = select(CatalogueProduct.category).where(
        CatalogueProduct.model == model.strip(), CatalogueProduct.category.in_(codes)
    )
    found = set(session.scalars(stmt))
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class ReceiptLine:
    """One programme's share of the subsidy: how it was computed and how much it pays."""

    title: str
    basis: str  # 按售价15% · 定额 · 分档 · 按件
    cap_fen: int | None
    amount_fen: int
    explanation: list[str]


@dataclass(frozen=True)
class Receipt:
    """What the consumer takes home from the till: the sale and its subsidy arithmetic."""

    claim_id: int
    state: str
    state_label: str
    merchant: str
    store: str
    store_address: str
    terminal_id: str
    sold_at: datetime
    purchase_date: date
    category_label: str
    brand: str
    model: str
    device_serial: str
    invoice_no: str
    consumer: str
    quota_code: str
    recycling_cert_no: str
    price_fen: int
    subsidy_fen: int
    consumer_pays_fen: int
    lines: list[ReceiptLine]
    funding: list[tuple[str, int]]


def _basis(rule: dict[str, Any]) -> str:
    if rule.get("rate_bp") is not None:
        rate = int(rule["rate_bp"]) + int(rule.get("extra_rate_applied_bp") or 0)
        return f"按售价{rate_label(rate)}"
    if rule.get("fixed_fen") is not None:
        return "定额补贴"
    if rule.get("per_unit_fen") is not None:
        return "按件补贴"
    return "按价格档位"


def _lines(quote: dict[str, Any]) -> list[ReceiptLine]:
    lines = []
    for applied in quote.get("applied", []):
        rule = applied.get("trace", {}).get("rule", {})
        cap = rule.get("cap_fen")
        lines.append(
            ReceiptLine(
                title=applied["title"],
                basis=_basis(rule),
                cap_fen=int(cap) if cap is not None else None,
                amount_fen=int(applied["amount_fen"]),
                explanation=list(applied.get("explanation", [])),
            )
        )
    return lines


def _funding(quote: dict[str, Any]) -> list[tuple[str, int]]:
    funding: dict[str, int] = quote.get("funding_fen", {})
    return [(FUNDING_LAYERS.label(k), int(v)) for k, v in funding.items() if v]


def _store(session: Session, claim: Claim) -> MerchantStore | None:
    return session.get(MerchantStore, claim.store_id) if claim.store_id else None


def _brand(session: Session, claim: Claim) -> str:
    stmt = select(CatalogueProduct.brand).where(
        CatalogueProduct.category == claim.category, CatalogueProduct.model == claim.product_model
    )
    return session.scalar(stmt) or ""


def _quota_code(session: Session, claim: Claim) -> str:
    quota = session.get(Quota, claim.quota_id) if claim.quota_id else None
    return quota.code if quota else ""


def receipt(session: Session, actor: Actor, claim_id: int) -> Receipt:
    """The receipt of the point-of-sale claim ``claim_id`` as ``actor`` may see it (the
    merchant that sold, the consumer who bought, the offices above); the consumer's name
    masked. An application made after the purchase has no till receipt."""
    claim = common.get_claim(session, actor, claim_id)
    if claim.kind != "point_of_sale":
        raise NoReceipt("该申请是购买后提交的补贴申请，没有门店核销小票", field="claim_id")
    quote: dict[str, Any] = json.loads(claim.quote)
    store = _store(session, claim)
    org = session.get(Organization, claim.merchant_org_id) if claim.merchant_org_id else None
    return Receipt(
        claim_id=claim.id,
        state=claim.state,
        state_label=states.LABELS.get(claim.state, claim.state),
        merchant=org.name if org else "",
        store=store.name if store else "",
        store_address=store.address if store else "",
        terminal_id=claim.terminal_id or "",
        sold_at=claim.created_at,
        purchase_date=claim.purchase_date,
        category_label=CATEGORIES.label(claim.category),
        brand=_brand(session, claim),
        model=claim.product_model,
        device_serial=claim.device_serial,
        invoice_no=claim.invoice_no,
        consumer=identifiers.mask_name(pii.unseal(claim.person_name_enc)),
        quota_code=_quota_code(session, claim),
        recycling_cert_no=claim.recycling_cert_no or "",
        price_fen=claim.price_fen,
        subsidy_fen=claim.subsidy_fen,
        consumer_pays_fen=claim.consumer_pays_fen,
        lines=_lines(quote),
        funding=_funding(quote),
    )
