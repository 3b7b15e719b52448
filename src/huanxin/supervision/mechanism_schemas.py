"""Request bodies and answers of the working-mechanism API. Every request field carries its
Chinese label (``title``), which a refusal names; texts are bounded by ``max_length``."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from huanxin.core.bounds import Code, Count, Day, Id, Line, LongText, Name, Text
from huanxin.supervision.vocab import (
    BodyKind,
    DecisionKind,
    EscalationLevel,
    MeetingKind,
    PublicKind,
    ReportKind,
    SeatRole,
)


def _code() -> Any:
    return Field(title="行政区划", min_length=6, max_length=6)


# --- bodies and seats -------------------------------------------------------------------


class BodyCreate(BaseModel):
    jurisdiction_code: Code = _code()
    kind: BodyKind = Field(title="机构类型")
    name: Name = Field(title="名称", min_length=1, max_length=128)
    parent_id: Id | None = Field(default=None, title="所属联席会议")
    lead_department_id: Id | None = Field(default=None, title="组长单位")
    duties: Text = Field(default="", title="职责", max_length=2000)


class SeatCreate(BaseModel):
    department_id: Id = Field(title="成员单位")
    role: SeatRole = Field(title="席位")
    person_name: Name = Field(title="人员姓名", min_length=1, max_length=32)
    post: Line = Field(default="", title="职务", max_length=64)
    start_on: Day | None = Field(default=None, title="任职起始日期")


class SeatChange(BaseModel):
    """``person_name`` null: the unit leaves the body."""

    person_name: Name | None = Field(default=None, title="接任人员姓名", max_length=32)
    post: Line = Field(default="", title="职务", max_length=64)
    on: Day = Field(title="变更日期")
    note: Text = Field(default="", title="变更说明", max_length=256)


class BodyTaskAdd(BaseModel):
    task_id: Id = Field(title="台账任务")


class SeatRead(BaseModel):
    id: int
    department_id: int
    department: str
    role: str
    role_label: str
    person_name: str
    post: str
    start_on: date
    end_on: date | None
    change_note: str


class BodyRead(BaseModel):
    id: int
    jurisdiction_code: str
    kind: str
    kind_label: str
    name: str
    parent_id: int | None
    lead_department_id: int | None
    lead_department: str | None
    duties: str
    seats: list[SeatRead]


class TaskBrief(BaseModel):
    id: int
    ref: str
    title: str
    deadline: date | None
    status: str
    status_label: str
    lead_units: list[str]


# --- meetings -----------------------------------------------------------------------------


class MeetingCreate(BaseModel):
    body_id: Id = Field(title="议事机构")
    kind: MeetingKind = Field(title="会议类型")
    title: Name = Field(title="会议名称", min_length=1, max_length=128)
    held_on: Day = Field(title="会议日期")
    place: Line = Field(default="", title="会议地点", max_length=128)
    topics: list[Line] = Field(default_factory=list, title="其他议题", max_length=20)


class AttendanceEntry(BaseModel):
    department_id: Id = Field(title="单位")
    person_name: Name = Field(default="", title="出席人员", max_length=32)
    present: bool = Field(default=True, title="是否出席")


class AttendanceIn(BaseModel):
    entries: list[AttendanceEntry] = Field(title="出席情况", max_length=100)


class DecisionCreate(BaseModel):
    kind: DecisionKind = Field(title="决定类型")
    text: Text = Field(title="决定内容", min_length=1, max_length=2000)
    department_id: Id | None = Field(default=None, title="责任单位")
    deadline: Day | None = Field(default=None, title="完成时限")
    task_id: Id | None = Field(default=None, title="销号任务")


class MeetingHold(BaseModel):
    minutes: LongText = Field(title="会议纪要", min_length=1, max_length=20000)


class MeetingCancel(BaseModel):
    reason: Text = Field(title="取消原因", min_length=1, max_length=500)


class AgendaRead(BaseModel):
    position: int
    source: str
    ref_id: int | None
    title: str
    detail: str


class AttendanceRead(BaseModel):
    department_id: int
    department: str
    person_name: str
    present: bool


class DecisionRead(BaseModel):
    id: int
    kind: str
    kind_label: str
    text: str
    department_id: int | None
    department: str | None
    deadline: date | None
    task_id: int | None


class MeetingRead(BaseModel):
    id: int
    body_id: int
    body: str
    jurisdiction_code: str
    kind: str
    kind_label: str
    title: str
    held_on: date
    place: str
    state: str
    state_label: str
    minutes: str
    agenda: list[AgendaRead]
    attendance: list[AttendanceRead]
    decisions: list[DecisionRead]
    minutes_docx: str


# --- escalations --------------------------------------------------------------------------


class EscalationCreate(BaseModel):
    jurisdiction_code: Code = _code()
    title: Name = Field(title="事项名称", min_length=1, max_length=128)
    ask: Text = Field(title="请求支持内容", min_length=1, max_length=4000)
    level: EscalationLevel = Field(title="请求层级")
    addressee: Line = Field(title="请求对象", min_length=1, max_length=128)
    department_id: Id | None = Field(default=None, title="涉及单位")


class EscalationReview(BaseModel):
    send: bool = Field(title="是否报送")
    note: Text = Field(default="", title="说明", max_length=1000)


class EscalationAnswer(BaseModel):
    answer: Text = Field(title="上级答复", min_length=1, max_length=4000)
    on: Day | None = Field(default=None, title="答复日期")


class EscalationClose(BaseModel):
    note: Text = Field(default="", title="办结说明", max_length=1000)


class EscalationRead(BaseModel):
    id: int
    jurisdiction_code: str
    title: str
    ask: str
    level: str
    level_label: str
    addressee: str
    department: str | None
    state: str
    state_label: str
    submitted_on: date | None
    answer: str
    answered_on: date | None
    closed_note: str


# --- visits and findings ------------------------------------------------------------------


class VisitCreate(BaseModel):
    jurisdiction_code: Code = _code()
    lead_department_id: Id = Field(title="牵头单位")
    title: Name = Field(title="督导调研名称", min_length=1, max_length=128)
    subject: Text = Field(default="", title="督导对象和内容", max_length=256)
    planned_on: Day = Field(title="计划日期")


class VisitDone(BaseModel):
    done_on: Day | None = Field(default=None, title="开展日期")
    summary: LongText = Field(title="督导调研情况", min_length=1, max_length=8000)


class FileRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class FindingRead(BaseModel):
    id: int
    text: str
    department_id: int
    department: str
    deadline: date
    task_id: int
    closing: str
    closing_label: str
    files: list[FileRead]


class VisitRead(BaseModel):
    id: int
    jurisdiction_code: str
    lead_department_id: int
    lead_department: str
    title: str
    subject: str
    planned_on: date
    done_on: date | None
    state: str
    state_label: str
    summary: str
    findings: list[FindingRead]


# --- reports ------------------------------------------------------------------------------


class TemplateSave(BaseModel):
    jurisdiction_code: Code = _code()
    kind: ReportKind = Field(title="报告类型")
    name: Name = Field(title="模板名称", min_length=1, max_length=64)
    opening: Text = Field(default="", title="开头语", max_length=4000)
    figures: list[Text] = Field(title="数据项", min_length=1, max_length=30)
    recipients: list[Count] = Field(default_factory=list, title="报送对象", max_length=100)


class BulletinCreate(BaseModel):
    template_id: Id = Field(title="报告模板")
    period_end: Day | None = Field(default=None, title="统计截止日期")
    period_start: Day | None = Field(default=None, title="统计起始日期")
    title: Name = Field(default="", title="报告标题", max_length=128)


class TemplateRead(BaseModel):
    id: int
    jurisdiction_code: str
    kind: str
    kind_label: str
    name: str
    opening: str
    figures: list[str]
    recipients: list[int]


class FigureRead(BaseModel):
    key: str
    label: str
    value: str
    unit: str


class DeliveryRead(BaseModel):
    department_id: int
    department: str
    read: bool


class BulletinRead(BaseModel):
    id: int
    template_id: int
    kind: str
    kind_label: str
    jurisdiction_code: str
    issue_no: int
    title: str
    period_start: date
    period_end: date
    figures: list[FigureRead]
    deliveries: list[DeliveryRead]
    docx: str
    pdf: str


class FigureChoice(BaseModel):
    key: str
    label: str


class InboxItemRead(BaseModel):
    kind: str
    kind_label: str
    title: str
    detail: str
    due: date | None
    href: str


# --- public content -----------------------------------------------------------------------


class PublicItemCreate(BaseModel):
    jurisdiction_code: Code = _code()
    kind: PublicKind = Field(title="内容类型")
    title: Name = Field(title="标题", min_length=1, max_length=128)
    body: LongText = Field(title="正文", min_length=1, max_length=20000)
    published_on: Day | None = Field(default=None, title="发布日期")


class PublicItemRead(BaseModel):
    id: int
    jurisdiction_code: str
    kind: str
    kind_label: str
    title: str
    body: str
    published: bool
    published_on: date
