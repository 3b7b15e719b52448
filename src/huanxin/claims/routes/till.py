"""Till API (收银台): the catalogue models matching what the assistant typed or scanned, and
the consumer's receipt of a point-of-sale sale with its subsidy arithmetic. Reads only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from huanxin.claims.service import till
from huanxin.core.actor import Actor
from huanxin.core.bounds import Day, Id, Name
from huanxin.core.clock import today_cn
from huanxin.policy import service as policies
from huanxin.web.deps import DbSession, require, require_any

router = APIRouter(prefix="/api/v1", tags=["till"])
Merchant = Annotated[Actor, Depends(require("claims:redeem"))]
ClaimReader = Annotated[Actor, Depends(require_any("claims:read", "claims:own"))]


class ModelRead(BaseModel):
    """A catalogue model offered at the till (its category named in Chinese)."""

    category: str
    category_label: str
    brand: str
    model: str
    grade: int | None
    list_price_fen: int
    barcode: str | None


@router.get("/catalogue/models")
def find_models(
    actor: Merchant, session: DbSession, q: Name = "", on: Day | None = None
) -> list[ModelRead]:
    """Models of the categories subsidised where the merchant is registered, valid on ``on``
    (today by default), matching ``q``: model number, brand (characters, pinyin or
    initials), category name, or a 13-digit 69 barcode."""
    vocabulary = policies.category_vocabulary(session, actor.jurisdiction_code)
    hits = till.suggest_models(session, text=q, on_date=on or today_cn(), vocabulary=vocabulary)
    return [ModelRead(**hit.__dict__) for hit in hits]


class ReceiptLineRead(BaseModel):
    title: str
    basis: str
    cap_fen: int | None
    amount_fen: int
    explanation: list[str]


class FundingRead(BaseModel):
    layer: str
    amount_fen: int


class ReceiptRead(BaseModel):
    """The consumer's receipt: the sale, each programme's share and who pays what."""

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
    lines: list[ReceiptLineRead]
    funding: list[FundingRead]

    @classmethod
    def of(cls, receipt: till.Receipt) -> ReceiptRead:
        data = dict(receipt.__dict__)
        data["lines"] = [ReceiptLineRead(**line.__dict__) for line in receipt.lines]
        data["funding"] = [FundingRead(layer=k, amount_fen=v) for k, v in receipt.funding]
        return cls(**data)


@router.get("/claims/{claim_id}/receipt")
def get_receipt(claim_id: Id, actor: ClaimReader, session: DbSession) -> ReceiptRead:
    """The till receipt of a point-of-sale claim (404 ``no_receipt`` for an application)."""
    return ReceiptRead.of(till.receipt(session, actor, claim_id))
