"""Shapes of the secondhand API (validation of fields is done by the services, which name
the field in Chinese; these only fix types)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class DealerCreate(BaseModel):
    org_id: int
    kind: str = "dealer"
    uscc: str
    licence_no: str
    categories: list[str]


class StatusChange(BaseModel):
    status: str
    reason: str


class TransactionCreate(BaseModel):
    direction: str
    category: str
    brand: str
    model: str
    serial: str
    made_year: int
    grade: str
    price_fen: int
    traded_on: date
    seller_name: str
    seller_resident_id: str
    buyer_name: str
    buyer_resident_id: str
    certificate_no: str | None = None


class BaselineSet(BaseModel):
    jurisdiction_code: str
    count: int
    target_growth_bp: int
    source: str
    target_year: int = 2027


class WipeCreate(BaseModel):
    category: str
    brand: str
    model: str
    serial: str
    method: str
    tool: str
    operator_name: str
    wiped_at: datetime
    verified: bool
    verification_note: str = ""


class Reason(BaseModel):
    reason: str


class ReportCreate(BaseModel):
    category: str
    brand: str
    model: str
    serial: str
    grade: str
    value_fen: int
    valued_on: date
    note: str = ""


class ComplaintCreate(BaseModel):
    dealer_id: int
    description: str
    occurred_on: date


class CreditEventCreate(BaseModel):
    dealer_id: int
    kind: str
    outcome: str
    description: str
    occurred_on: date
    severity: str = "normal"


class Outcome(BaseModel):
    outcome: str


class ListingCreate(BaseModel):
    title: str
    category: str
    brand: str
    model: str
    serial: str
    condition: str
    asking_price_fen: int
    condition_note: str = ""
    equipment_ref: str | None = None


class EnquiryCreate(BaseModel):
    message: str


class OfferCreate(BaseModel):
    price_fen: int


class Decision(BaseModel):
    accept: bool


class Move(BaseModel):
    to_state: str
    note: str = ""


class OrgRef(BaseModel):
    org_id: int


class WarehouseDeclare(BaseModel):
    asset_no: str
    category: str
    brand: str
    model: str
    serial: str
    acquired_year: int


class Review(BaseModel):
    accept: bool
    note: str = ""


class Note(BaseModel):
    note: str = ""


class Approve(BaseModel):
    route: str
    recycler_org_id: int | None = None
    note: str = ""


class Complete(BaseModel):
    certificate_no: str | None = None
    proceeds_fen: int | None = Field(default=None)
    note: str = ""
