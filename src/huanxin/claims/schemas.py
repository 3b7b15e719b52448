"""API shapes of the trade-in objects."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from huanxin.claims import states
from huanxin.claims.models import Claim, Quota
from huanxin.core import identifiers, pii
from huanxin.core.bounds import (
    Code,
    Count,
    Day,
    Id,
    IdempotencyKey,
    Latitude,
    Line,
    Longitude,
    Name,
    PriceFen,
    Text,
)


class QuotaCreate(BaseModel):
    category: Code
    on_date: Day | None = None


class QuotaRead(BaseModel):
    id: int
    code: str
    programme_id: str
    category: str
    slot: int
    state: str
    expires_at: str

    @classmethod
    def of(cls, q: Quota) -> QuotaRead:
        return cls(
            id=q.id,
            code=q.code,
            programme_id=q.programme_id,
            category=q.category,
            slot=q.slot,
            state=q.state,
            expires_at=q.expires_at.isoformat(),
        )


class RedeemRequest(BaseModel):
    category: Code
    product_model: Name
    device_serial: Code
    price_fen: PriceFen
    purchase_date: Day
    invoice_no: Code
    quota_code: Code | None = None
    resident_id: Code | None = None
    grade: Count | None = Field(default=None, ge=1, le=5)
    recycling_cert_no: Code | None = None
    recycling_cert_code: Code | None = None
    barcode: Code | None = None  # the product's GTIN-13 (69码)
    terminal_id: Code | None = None
    store_id: Id | None = None
    redeem_lat: Latitude | None = None
    redeem_lon: Longitude | None = None
    delivery_address: Line | None = None


BULK_MAX = 1000  # the schema's bound; HUANXIN_BULK_MAX_SALES (default 500) is the limit


class BulkSale(RedeemRequest):
    """One sale of a bulk submission; its own key (default: the request's key + its index)."""

    idempotency_key: IdempotencyKey | None = None


class BulkRedeemRequest(BaseModel):
    sales: list[BulkSale] = Field(min_length=1, max_length=BULK_MAX)


class ErrorRead(BaseModel):
    code: str
    message: str
    field: str | None = None


def masked_vin(claim: Claim) -> str | None:
    return identifiers.mask_vin(pii.unseal(claim.vin_enc)) if claim.vin_enc else None


class ClaimRead(BaseModel):
    id: int
    kind: str
    state: str
    state_label: str
    jurisdiction_code: str
    category: str
    product_model: str
    price_fen: int
    subsidy_fen: int
    consumer_pays_fen: int
    purchase_date: date
    versions: list[str]
    explanation: list[str]
    funding_fen: dict[str, int]
    vin_masked: str | None = None  # a car's VIN, masked like other personal identifiers

    @classmethod
    def of(cls, c: Claim) -> ClaimRead:
        quote = json.loads(c.quote)
        versions = [f"{a['programme_id']}@{a['version']}" for a in quote.get("applied", [])]
        return cls(
            id=c.id,
            kind=c.kind,
            state=c.state,
            state_label=states.LABELS[c.state],
            jurisdiction_code=c.jurisdiction_code,
            category=c.category,
            product_model=c.product_model,
            price_fen=c.price_fen,
            subsidy_fen=c.subsidy_fen,
            consumer_pays_fen=c.consumer_pays_fen,
            purchase_date=c.purchase_date,
            versions=versions,
            explanation=quote.get("explanation", []),
            funding_fen=quote.get("funding_fen", {}),
            vin_masked=masked_vin(c),
        )


class NoteBody(BaseModel):
    note: Text = ""
    checklist: list[Code] = Field(
        default=[], max_length=20
    )  # evidence kinds the reviewer confirmed (applications)


class ReasonBody(BaseModel):
    reason: Text


class ReturnBody(BaseModel):
    returned_on: Day | None = None


class ClockStepRead(BaseModel):
    """One statutory clock of a claim (accept, review or pay)."""

    step: str
    label: str
    days: int
    working_days: bool
    start: date | None
    due: date | None
    done_on: date | None
    status: str
    status_label: str
    estimated: bool  # the official calendar of the due date's year is not loaded yet

    @classmethod
    def of(cls, s: Any) -> ClockStepRead:
        return cls(
            step=s.step,
            label=s.label,
            days=s.days,
            working_days=s.working_days,
            start=s.start,
            due=s.due,
            done_on=s.done_on,
            status=s.status,
            status_label=s.status_label,
            estimated=s.estimated,
        )


class ClaimClockRead(BaseModel):
    claim_id: int
    steps: list[ClockStepRead]


class LateStepRead(BaseModel):
    """A claim's step past (or near) its deadline, and the body it is charged to."""

    claim_id: int
    jurisdiction_code: str
    category: str
    step: str
    label: str
    due: date | None
    workdays_late: int
    department: str


class ClockReportRow(BaseModel):
    month: str
    department: str
    due: int
    on_time: int
    late: int
    overdue: int
    on_time_rate: str


class ReconLineRead(BaseModel):
    """A reconciliation outcome: matched, or a mismatch for action."""

    id: int
    file_id: int
    row_no: int | None
    outcome: str
    outcome_label: str
    reference: str
    payment_item_id: int | None
    claim_id: int | None
    claim_count: int  # claims the matched payment covers (one payment, many claims)
    expected_fen: int | None
    reported_fen: int | None
    note: str
    resolution: str
    resolved: bool

    @classmethod
    def of(cls, line: Any, labels: dict[str, str]) -> ReconLineRead:
        return cls(
            id=line.id,
            file_id=line.file_id,
            row_no=line.row_no,
            outcome=line.outcome,
            outcome_label=labels[line.outcome],
            reference=line.reference,
            payment_item_id=line.payment_item_id,
            claim_id=line.claim_id,
            claim_count=line.claim_count,
            expected_fen=line.expected_fen,
            reported_fen=line.reported_fen,
            note=line.note,
            resolution=line.resolution,
            resolved=line.resolved_at is not None,
        )


class ReconFileRead(BaseModel):
    id: int
    kind: str
    kind_label: str
    filename: str
    rows: int
    matched: int
    mismatched: int
    repeated: bool = False  # the same file had been imported before: nothing changed
    lines: list[ReconLineRead] = []


class ResolveBody(BaseModel):
    note: Text


class CloseMonthBody(BaseModel):
    month: Code  # YYYY-MM


class ClosedMonthRead(BaseModel):
    jurisdiction_code: str
    month: str


class StatementRead(BaseModel):
    merchant_id: int
    merchant_name: str
    month: str
    opening_fen: int
    sales_count: int
    sales_fen: int
    subsidies_fen: int
    reversed_fen: int
    paid_fen: int
    clawed_back_fen: int
    closing_fen: int


class BulkResult(BaseModel):
    """The answer to one sale of a bulk submission, as if it had been sent alone."""

    index: int
    idempotency_key: str
    status: int
    replayed: bool
    claim: ClaimRead | None = None
    error: ErrorRead | None = None


class BulkRedeemRead(BaseModel):
    succeeded: int
    failed: int
    results: list[BulkResult]


class BatchCreated(BaseModel):
    """A payment batch just drawn from the approved claims."""

    id: int
    total_fen: int
    state: str


class BankResultRead(BaseModel):
    """How many payment items the bank's result file paid, failed or left unchanged."""

    paid: int
    failed: int
    unchanged: int


class CatalogueImported(BaseModel):
    imported: int = Field(description="catalogue rows imported")
