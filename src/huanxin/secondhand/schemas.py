"""Shapes of the secondhand API (validation of fields is done by the services, which name
the field in Chinese; these only fix types)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from huanxin.core.bounds import (
    BasisPoints,
    Code,
    Count,
    Day,
    Fen,
    Id,
    Line,
    Moment,
    Name,
    Text,
    Year,
)


class DealerCreate(BaseModel):
    org_id: Id
    kind: Code = "dealer"
    uscc: Code
    licence_no: Code
    categories: list[Code] = Field(max_length=50)


class StatusChange(BaseModel):
    status: Code
    reason: Text


class TransactionCreate(BaseModel):
    direction: Code
    category: Code
    brand: Name
    model: Name
    serial: Code
    made_year: Year
    grade: Code
    price_fen: Fen
    traded_on: Day
    seller_name: Name
    seller_resident_id: Code
    buyer_name: Name
    buyer_resident_id: Code
    certificate_no: Code | None = None


class BaselineSet(BaseModel):
    jurisdiction_code: Code
    count: Count
    target_growth_bp: BasisPoints
    source: Code
    target_year: Year = 2027


class WipeCreate(BaseModel):
    category: Code
    brand: Name
    model: Name
    serial: Code
    method: Code
    tool: Code
    operator_name: Name
    wiped_at: Moment
    verified: bool
    verification_note: Text = ""


class Reason(BaseModel):
    reason: Text


class ReportCreate(BaseModel):
    category: Code
    brand: Name
    model: Name
    serial: Code
    grade: Code
    value_fen: Fen
    valued_on: Day
    note: Text = ""


class ComplaintCreate(BaseModel):
    dealer_id: Id
    description: Text
    occurred_on: Day


class CreditEventCreate(BaseModel):
    dealer_id: Id
    kind: Code
    outcome: Code
    description: Text
    occurred_on: Day
    severity: Line = "normal"


class Outcome(BaseModel):
    outcome: Code


class ListingCreate(BaseModel):
    title: Name
    category: Code
    brand: Name
    model: Name
    serial: Code
    condition: Line
    asking_price_fen: Fen
    condition_note: Text = ""
    equipment_ref: Line | None = None


class EnquiryCreate(BaseModel):
    message: Text


class OfferCreate(BaseModel):
    price_fen: Fen


class Decision(BaseModel):
    accept: bool


class Move(BaseModel):
    to_state: Line
    note: Text = ""


class OrgRef(BaseModel):
    org_id: Id


class WarehouseDeclare(BaseModel):
    asset_no: Code
    category: Code
    brand: Name
    model: Name
    serial: Code
    acquired_year: Year


class Review(BaseModel):
    accept: bool
    note: Text = ""


class Note(BaseModel):
    note: Text = ""


class Approve(BaseModel):
    route: Line
    recycler_org_id: Id | None = None
    note: Text = ""


class Complete(BaseModel):
    certificate_no: Code | None = None
    proceeds_fen: Fen | None = Field(default=None)
    note: Text = ""


# --- answers ------------------------------------------------------------------------------


class Answer(BaseModel):
    """An answer of the API, read from the service's view object (a dataclass) or row."""

    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)


class CarBaselineRead(Answer):
    jurisdiction_code: str
    year: int
    count: int
    target_growth_bp: int
    source: str


class WipeCertificateRead(Answer):
    cert_no: str
    verify_code: str
    status: str
    status_label: str
    revoke_reason: str | None


class WipeRead(Answer):
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
    certificate: WipeCertificateRead | None


class RevokedRead(Answer):
    cert_no: str
    status: str


class ValuationReportRead(Answer):
    id: int
    report_no: str
    valuer_id: int
    category: str
    brand: str
    model: str
    serial: str
    grade: str
    value_fen: int
    valued_on: str
    note: str


class OfferRead(Answer):
    id: int
    buyer_org_id: int
    price_fen: int
    status: str


class ListingStep(Answer):
    from_: str | None = Field(alias="from")
    to: str
    note: str
    at: str


class ListingRead(Answer):
    id: int
    title: str
    category: str
    brand: str
    model: str
    serial: str
    equipment_ref: str | None
    condition: str
    condition_note: str
    asking_price_fen: int
    state: str
    state_label: str
    seller_org_id: int
    seller: str
    buyer_org_id: int | None
    agreed_price_fen: int | None
    photo_ids: list[int]
    jurisdiction_code: str
    offers: list[OfferRead]
    steps: list[ListingStep]


class LedgerChoice(Answer):
    equipment_ref: str
    label: str


class PhotoRead(Answer):
    id: int
    content_type: str
    size: int
    sha256: str


class EnquiryRead(Answer):
    id: int
    listing_id: int
    message: str


class OfferMade(Answer):
    id: int
    listing_id: int
    price_fen: int
    status: str


class InstitutionRead(Answer):
    org_id: int
    jurisdiction_code: str


class WarehouseItemRead(Answer):
    id: int
    institution_org_id: int
    institution: str
    asset_no: str
    category: str
    brand: str
    model: str
    serial: str
    acquired_year: int
    declared_year: int
    state: str
    state_label: str
    route: str | None
    claimant_org_id: int | None
    recycler_org_id: int | None
    certificate_id: int | None
    proceeds_fen: int | None


class StepView(Answer):
    from_: str | None = Field(alias="from")
    to: str
    note: str


class WarehouseItemDetail(WarehouseItemRead):
    steps: list[StepView]


class WipeCertificateCheck(Answer):
    """What anyone may see of a wipe certificate by its verification code (no personal fields)."""

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


class GuideCell(Answer):
    """Robust statistics of the prices in one cell (figures null below the minimum sample)."""

    n: int
    confidence: str
    confidence_label: str
    median_fen: int | None
    mad_fen: int | None
    q1_fen: int | None
    q3_fen: int | None


class EstimateCell(GuideCell):
    basis: str = Field(description="which transactions the figures come from")


class EstimateRead(Answer):
    """An instant estimate: the acquisition and resale cells for one item."""

    category: str
    model: str
    grade: str
    age: int
    scale: str
    method: str
    acquire: EstimateCell
    resale: EstimateCell


class PriceGuideRow(GuideCell):
    category: str
    brand: str
    model: str
    age: int
    grade: str
    direction: str


class DealerProfile(Answer):
    """A dealer as other platforms see it."""

    uscc: str
    name: str
    kind: str
    status: str
    status_reason: str | None
    jurisdiction_code: str


class PlatformCredit(DealerProfile):
    score: int
    grade: str
    reasons: list[str]
    window_days: int


class WarehouseStatistics(Answer):
    """Per institution and declared year: declared, done per disposal route, pending, proceeds."""

    institution_org_id: int
    institution: str
    year: int
    declared: int
    pending: int
    proceeds_fen: int
    transfer: int
    auction: int
    recycle: int
    destroy: int
