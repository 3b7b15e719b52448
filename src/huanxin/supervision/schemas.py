"""Request bodies of the supervision API (answers are plain dicts built by the services)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class DepartmentCreate(BaseModel):
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    name: str = Field(min_length=1, max_length=128)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    org_id: int | None = None


class AliasesUpdate(BaseModel):
    aliases: list[str] = Field(default_factory=list, max_length=50)


class PlanConfirm(BaseModel):
    """Unit name → department id (as text) or "new"; units left out keep their proposal."""

    matches: dict[str, str] = Field(default_factory=dict)


class TaskUpdate(BaseModel):
    yearly_goals: str = Field(default="", max_length=4000)
    measures: str = Field(default="", max_length=4000)
    deadline: date | None = None
    responsible_person: str | None = Field(default=None, max_length=32)
    schedule: str = "monthly"


class CloseDecision(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=1000)


class IndicatorConfig(BaseModel):
    baseline_value: float | None = None
    department_id: int | None = None


class IndicatorSource(BaseModel):
    """A key of ``computed.SOURCES``, or null: actuals are entered by the department."""

    computed_key: str | None = Field(default=None, max_length=64)


class CheckpointNote(BaseModel):
    note: str = Field(default="", max_length=2000)


class CheckpointAssign(BaseModel):
    task_id: int | None = None


class IndicatorValueIn(BaseModel):
    year: int
    value: float
    source: str = Field(min_length=1, max_length=256)


class BriefingCreate(BaseModel):
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    period_start: date
    period_end: date
