"""Request and response shapes of the equipment API (money in integer fen)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, RootModel

from huanxin.core.bounds import (
    Attributes,
    BasisPoints,
    Code,
    Count,
    Day,
    Fen,
    Id,
    Line,
    Name,
    Text,
    Year,
)
from huanxin.equipment.service.items import SavingAvailable, SavingUnavailable
from huanxin.equipment.service.subsidy import (
    DEFAULT_SUBSIDY_BP,
    MAX_SUBSIDY_MONTHS,
    SubsidyPeriod,
)
from huanxin.equipment.service.taxcredit import CARRY_YEARS, SHARE_BP


class EnterpriseCreate(BaseModel):
    uscc: Code = Field(max_length=32)
    industry_code: Code = Field(max_length=8)
    above_size: bool = False
    sector: Code
    jurisdiction_code: Code = Field(max_length=6)
    name: Name | None = Field(default=None, max_length=128)
    org_id: Id | None = None


class EnterpriseUpdate(BaseModel):
    uscc: Code | None = Field(default=None, max_length=32)
    industry_code: Code | None = Field(default=None, max_length=8)
    above_size: bool | None = None
    sector: Code | None = None
    jurisdiction_code: Code | None = Field(default=None, max_length=6)


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
    year: Year | None = Field(default=None, ge=1990, le=2100)
    item_ids: list[Id] | None = Field(default=None, max_length=10_000)


class ProjectCreate(BaseModel):
    enterprise_id: Id
    name: Name = Field(max_length=200)
    equipment_investment_fen: Fen
    total_investment_fen: Fen
    bonds_fen: Fen = 0
    central_fen: Fen = 0
    local_fen: Fen = 0
    loan_fen: Fen = 0
    planned_on: Day | None = None
    sector: Code | None = None


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
    to_stage: Line
    on_date: Day | None = None
    note: Text = Field(default="", max_length=500)
    scrapped_item_ids: list[Id] = Field(default=[], max_length=1000)


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
    loan_fen: Fen
    rate_bp: BasisPoints
    subsidy_bp: BasisPoints = Field(
        default=DEFAULT_SUBSIDY_BP, description="贴息点数（基点），默认1.5个百分点"
    )
    term_months: Count
    repayment: Line = "equal_principal"
    cap_fen: Fen | None = None
    max_months: Count = Field(default=MAX_SUBSIDY_MONTHS, description="贴息期限（月），默认24个月")


class SubsidyCreate(SubsidyTerms):
    project_id: Id


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
    note: Text = Field(default="", max_length=500)


class InvestmentBaselineCreate(BaseModel):
    jurisdiction_code: Code = Field(max_length=6)
    sector: Code
    amount_fen: Fen
    source: Code = Field(max_length=255)
    year: Year = 2023


class YearAmount(BaseModel):
    year: Year
    amount_fen: Fen


class TaxCreditTerms(BaseModel):
    """Special-equipment investments by year and the enterprise income tax payable per year."""

    investments: list[YearAmount] = Field(min_length=1, max_length=20)
    taxes: list[YearAmount] = Field(min_length=1, max_length=20)
    share_bp: BasisPoints = Field(default=SHARE_BP, description="抵免比例（基点），默认10%")
    carry_years: Count = Field(default=CARRY_YEARS, description="结转年限，默认5年")


class DigitalReportCreate(BaseModel):
    year: Year
    cnc_rate_bp: BasisPoints | None = Field(default=None, description="关键工序数控化率（基点）")
    design_tool_bp: BasisPoints | None = Field(
        default=None, description="数字化研发设计工具普及率（基点）"
    )


class DigitalReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    enterprise_id: int
    year: int
    cnc_rate_bp: int | None
    design_tool_bp: int | None


class ItemUpdate(BaseModel):
    """Fields to change, keyed like the template's columns (``equipment_id``, ``efficiency_pct``,
    ...), values as typed in the template (choice labels or codes, percentages); null clears."""

    changes: Attributes = Field(min_length=1)
    year: Year | None = Field(default=None, ge=1990, le=2100)


class ClassifiedRead(BaseModel):
    classified: int


class ProjectDetail(ProjectRead):
    steps: list[StepRead]
    documents: list[DocumentRead]
    scrapped_item_ids: list[int]


class SubsidyApplied(SubsidyRead):
    """An interest subsidy just applied for, with its schedule and the rule applied."""

    periods: list[SubsidyPeriod]
    rule: str


class InvestmentBaselineRead(InvestmentBaselineCreate):
    id: int


# --- computed answers ----------------------------------------------------------------
# The calculators, the dashboard and the indicators answer with the frozen dataclasses their
# services return (``service/subsidy.py``, ``taxcredit.py``, ``projects.py``, ``indicator.py``,
# ``digital.py``); the models below only wrap or extend such answers.


class Computed(BaseModel):
    """A computed answer: exactly the fields the service reports, no others."""

    model_config = ConfigDict(extra="forbid")


class SavingRead(RootModel[SavingAvailable | SavingUnavailable]):
    """The annual saving of upgrading one row, or (``available`` false) why there is none."""


class EnterpriseSummary(Computed):
    rows: int
    in_use: int
    elimination: int
    renewal: int
    safety: int
    not_assessed: int
    saving_kwh: float
    saving_tce: float
    saving_tco2: float
    factors: str
    target_grade: int
