"""Shapes of the secondhand API (validation of fields is done by the services, which name
the field in Chinese; these only fix types)."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
