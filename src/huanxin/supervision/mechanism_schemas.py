"""Request bodies and answers of the working-mechanism API. Every request field carries its
Chinese label (``title``), which a refusal names; texts are bounded by ``max_length``."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from huanxin.supervision.lifecycles import (
    BodyKind,
    SeatRole,
)

Code = Field(title="行政区划", min_length=6, max_length=6)


# --- bodies and seats -------------------------------------------------------------------


class BodyCreate(BaseModel):
    jurisdiction_code: str = Code
    kind: BodyKind = Field(title="机构类型")
    name: str = Field(title="名称", min_length=1, max_length=128)
    parent_id: int | None = Field(default=None, title="所属联席会议")
    lead_department_id: int | None = Field(default=None, title="组长单位")
    duties: str = Field(default="", title="职责", max_length=2000)


class SeatCreate(BaseModel):
    department_id: int = Field(title="成员单位")
    role: SeatRole = Field(title="席位")
    person_name: str = Field(title="人员姓名", min_length=1, max_length=32)
    post: str = Field(default="", title="职务", max_length=64)
    start_on: date | None = Field(default=None, title="任职起始日期")


class SeatChange(BaseModel):
    """``person_name`` null: the unit leaves the body."""

    person_name: str | None = Field(default=None, title="接任人员姓名", max_length=32)
    post: str = Field(default="", title="职务", max_length=64)
    on: date = Field(title="变更日期")
    note: str = Field(default="", title="变更说明", max_length=256)


class BodyTaskAdd(BaseModel):
    task_id: int = Field(title="台账任务")


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
