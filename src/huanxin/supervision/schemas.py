"""Request bodies of the supervision API (answers are plain dicts built by the services)."""

from __future__ import annotations

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
