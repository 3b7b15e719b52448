"""Request bodies and answers of the supervision API (plans, the task ledger, checkpoints,
reports, closing, reminders, indicators, briefings); ``views`` builds the answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from huanxin.core.bounds import Code, Day, Id, Name, Quantity, Text, Year


class DepartmentCreate(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    name: Name = Field(min_length=1, max_length=128)
    aliases: list[Text] = Field(default_factory=list, max_length=50)
    org_id: Id | None = None


class AliasesUpdate(BaseModel):
    aliases: list[Text] = Field(default_factory=list, max_length=50)


class PlanConfirm(BaseModel):
    """Unit name → department id (as text) or "new"; units left out keep their proposal."""

    matches: dict[Name, Code] = Field(default_factory=dict, max_length=500)


class TaskUpdate(BaseModel):
    yearly_goals: Text = Field(default="", max_length=4000)
    measures: Text = Field(default="", max_length=4000)
    deadline: Day | None = None
    responsible_person: Name | None = Field(default=None, max_length=32)
    schedule: Text = "monthly"


class CloseDecision(BaseModel):
    approve: bool
    note: Text = Field(default="", max_length=1000)


class IndicatorConfig(BaseModel):
    baseline_value: Quantity | None = None
    department_id: Id | None = None


class IndicatorSource(BaseModel):
    """A key of ``computed.SOURCES``, or null: actuals are entered by the department."""

    computed_key: Code | None = Field(default=None, max_length=64)


class CheckpointNote(BaseModel):
    note: Text = Field(default="", max_length=2000)


class CheckpointAssign(BaseModel):
    task_id: Id | None = None


class IndicatorValueIn(BaseModel):
    year: Year
    value: Quantity
    source: Code = Field(min_length=1, max_length=256)


class BriefingCreate(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    period_start: Day
    period_end: Day


class DepartmentRead(BaseModel):
    id: int
    jurisdiction_code: str
    name: str
    aliases: list[str]
    org_id: int


class CheckpointRead(BaseModel):
    id: int
    plan_id: int
    task_id: int | None
    title: str
    year: int
    due: str
    quote: str
    state: str
    state_label: str
    done_on: str | None
    done_note: str


class UnitMatchRead(BaseModel):
    """A unit named in the plan and the department proposed (or confirmed) for it."""

    unit_name: str
    department_id: int | None
    method: str
    score: int
    confirmed: bool


class PlanSummary(BaseModel):
    id: int
    title: str
    jurisdiction_code: str
    status: str
    source_file: str


class PlanRead(BaseModel):
    """A plan as imported: its metadata and the parsed tasks, targets and milestones."""

    id: int
    jurisdiction_code: str
    title: str
    issuer: str | None
    doc_number: str | None
    date: str | None
    source_file: str
    file_format: str
    file_size: int
    sha256: str
    status: str
    tasks: list[dict[str, Any]]
    appendix_tasks: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    unplaced: list[Any]
    matches: list[UnitMatchRead]


class PlanConfirmed(BaseModel):
    plan_id: int
    tasks: int
    indicators: int
    checkpoints: int
    created_departments: list[str]


class CheckpointBrief(BaseModel):
    id: int
    title: str
    due: date


class _TaskBase(BaseModel):
    """A row of the task ledger with its computed status."""

    id: int
    plan_id: int
    jurisdiction_code: str
    ref: str
    source: str
    title: str
    lead_units: list[str]
    support_units: list[str]
    shared_responsibility: bool
    yearly_goals: str
    measures: str
    deadline: date | None
    responsible_person: str
    schedule: str
    closing: str
    status: str
    status_label: str
    latest_percent: int | None
    latest_period: str | None
    next_checkpoint: CheckpointBrief | None


class TaskRead(_TaskBase):
    reports: int  # how many progress reports


class AttachmentRead(BaseModel):
    id: int
    filename: str
    size: int
    content_type: str


class ReportRead(BaseModel):
    id: int
    task_id: int
    department: str
    period: str
    percent: int
    text: str
    figures: str
    reported_on: date
    attachments: list[AttachmentRead]


class TaskDetail(_TaskBase):
    """A task with its reports, closing evidence and checkpoints."""

    reports: list[ReportRead]
    close_evidence: str
    checkpoints: list[CheckpointRead]


class ClosingRead(BaseModel):
    task_id: int
    closing: str


class ReminderRead(BaseModel):
    task_id: int | None
    ref: str
    title: str
    kind: str
    message: str
    due: date | None
    label: str


class IndicatorValueRead(BaseModel):
    year: int
    value: float
    source: str


class IndicatorRead(BaseModel):
    """An indicator with its progress towards the target and its yearly actuals."""

    id: int
    plan_id: int
    name: str
    kind: str
    unit: str | None
    target_value: float
    target_year: int | None
    baseline_year: int | None
    baseline_value: float | None
    department_id: int | None
    computed_key: str | None
    source_label: str
    actual_unit: str | None
    target_level: float | None
    latest_year: int | None
    latest_value: float | None
    progress_percent: float | None
    forecast: float | None
    on_course: bool | None
    values: list[IndicatorValueRead]


class SourceChoice(BaseModel):
    key: str
    label: str


class BriefingLinks(BaseModel):
    """A briefing's download links; ``pdf`` only where LibreOffice is installed."""

    id: int
    issue_no: int
    docx: str
    pdf: str | None


class BriefingRead(BriefingLinks):
    jurisdiction_code: str
    period_start: date
    period_end: date
    issued_on: date
