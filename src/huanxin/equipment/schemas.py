"""Request and response shapes of the equipment API (money in integer fen)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from huanxin.equipment.service.subsidy import DEFAULT_SUBSIDY_BP, MAX_SUBSIDY_MONTHS
from huanxin.equipment.service.taxcredit import CARRY_YEARS, SHARE_BP


class EnterpriseCreate(BaseModel):
    uscc: str = Field(max_length=32)
    industry_code: str = Field(max_length=8)
    above_size: bool = False
    sector: str
    jurisdiction_code: str = Field(max_length=6)
    name: str | None = Field(default=None, max_length=128)
    org_id: int | None = None


class EnterpriseUpdate(BaseModel):
    uscc: str | None = Field(default=None, max_length=32)
    industry_code: str | None = Field(default=None, max_length=8)
    above_size: bool | None = None
    sector: str | None = None
    jurisdiction_code: str | None = Field(default=None, max_length=6)


class EnterpriseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    org_id: int
    name: str
    uscc: str
    industry_code: str
    above_size: bool
    sector: str
    jurisdiction_code: str


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    rule: str
    rule_zh: str
    threshold: str
    actual: str
    source: str


class ItemRead(BaseModel):
    id: int
    enterprise_id: int
    code: str
    category: str
    model: str
    status: str
    commissioning_year: int
    assessed: bool
    grade: int | None
    elimination: bool
    renewal: bool
    safety: bool
    saving_kwh: float | None
    saving_tce: float | None
    saving_tco2: float | None
    notes: str
    scrapped_project_id: int | None
    flags: list[FlagRead]


class ImportRead(BaseModel):
    import_id: int
    rows: int
    elimination: int
    renewal: int
    safety: int


class ClassifyRequest(BaseModel):
    year: int | None = Field(default=None, ge=1990, le=2100)
    item_ids: list[int] | None = None


class ProjectCreate(BaseModel):
    enterprise_id: int
    name: str = Field(max_length=200)
    equipment_investment_fen: int
    total_investment_fen: int
    bonds_fen: int = 0
    central_fen: int = 0
    local_fen: int = 0
    loan_fen: int = 0
    planned_on: date | None = None
    sector: str | None = None


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    enterprise_id: int
    name: str
    sector: str
    jurisdiction_code: str
    stage: str
    equipment_investment_fen: int
    total_investment_fen: int
    bonds_fen: int
    central_fen: int
    local_fen: int
    loan_fen: int
    planned_on: date
    applied_on: date | None
    approved_on: date | None
    started_on: date | None
    completed_on: date | None


class StepCreate(BaseModel):
    to_stage: str
    on_date: date | None = None
    note: str = Field(default="", max_length=500)
    scrapped_item_ids: list[int] = []


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_stage: str | None
    to_stage: str
    on_date: date
    by_user_id: int
    note: str


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    doc_type: str
    filename: str
    content_type: str
    size: int
    sha256: str


class SubsidyTerms(BaseModel):
    loan_fen: int
    rate_bp: int
    subsidy_bp: int = Field(
        default=DEFAULT_SUBSIDY_BP, description="贴息点数（基点），默认1.5个百分点"
    )
    term_months: int
    repayment: str = "equal_principal"
    cap_fen: int | None = None
    max_months: int = Field(default=MAX_SUBSIDY_MONTHS, description="贴息期限（月），默认24个月")


class SubsidyCreate(SubsidyTerms):
    project_id: int


class SubsidyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    project_id: int
    loan_fen: int
    rate_bp: int
    subsidy_bp: int
    term_months: int
    repayment: str
    cap_fen: int | None
    subsidy_fen: int
    status: str
    decision_note: str


class SubsidyDecision(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


class BaselineCreate(BaseModel):
    jurisdiction_code: str = Field(max_length=6)
    sector: str
    amount_fen: int
    source: str = Field(max_length=255)
    year: int = 2023


class YearAmount(BaseModel):
    year: int
    amount_fen: int


class TaxCreditTerms(BaseModel):
    """Special-equipment investments by year and the enterprise income tax payable per year."""

    investments: list[YearAmount] = Field(min_length=1, max_length=20)
    taxes: list[YearAmount] = Field(min_length=1, max_length=20)
    share_bp: int = Field(default=SHARE_BP, description="抵免比例（基点），默认10%")
    carry_years: int = Field(default=CARRY_YEARS, description="结转年限，默认5年")


class DigitalReportCreate(BaseModel):
    year: int
    cnc_rate_bp: int | None = Field(default=None, description="关键工序数控化率（基点）")
    design_tool_bp: int | None = Field(default=None, description="数字化研发设计工具普及率（基点）")


class DigitalReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    enterprise_id: int
    year: int
    cnc_rate_bp: int | None
    design_tool_bp: int | None


class ItemUpdate(BaseModel):
    """Fields to change, keyed like the template's columns (``equipment_id``, ``efficiency_pct``,
    ...), values as typed in the template (choice labels or codes, percentages); null clears."""

    changes: dict[str, Any] = Field(min_length=1)
    year: int | None = Field(default=None, ge=1990, le=2100)
