"""Tables of the supervision domain (prefix ``sv_``): the department directory, imported plans
and their unit matches, the task ledger with its dated checkpoints, progress reports and
attachments, indicators with their actual values, and issued briefings.

Indicator values are statistics (rates, counts, 亿元 amounts as written in the plan), not money
the platform pays, so they are floats; nothing here holds fen.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Department(Base):
    """A department of a jurisdiction's directory, bound to an ``organizations`` row of kind
    department; ``aliases`` is a JSON list of other names plans use for it."""

    __tablename__ = "sv_departments"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    aliases: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "name"),)


class Plan(Base):
    """An imported implementation plan: the document's metadata and the parser's output."""

    __tablename__ = "sv_plans"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    issuer: Mapped[str | None] = mapped_column(String(128), default=None)
    doc_number: Mapped[str | None] = mapped_column(String(64), default=None)
    doc_date: Mapped[str | None] = mapped_column(String(10), default=None)
    source_file: Mapped[str] = mapped_column(String(256))
    file_format: Mapped[str] = mapped_column(String(8))
    file_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    parsed: Mapped[str] = mapped_column(Text)  # JSON: gold shape plus "unplaced"
    status: Mapped[str] = mapped_column(String(16), default="review")  # review | confirmed
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class UnitMatch(Base):
    """A unit name as written in a plan and the department it was matched to."""

    __tablename__ = "sv_unit_matches"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sv_plans.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("sv_departments.id"), default=None)
    method: Mapped[str] = mapped_column(String(16))  # exact | alias | fuzzy | none | manual
    score: Mapped[int] = mapped_column(Integer, default=0)  # similarity in percent
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("plan_id", "unit_name"),)


class Task(Base):
    """One row of the task ledger."""

    __tablename__ = "sv_tasks"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sv_plans.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))  # body | appendix
    title: Mapped[str] = mapped_column(String(256))
    quote: Mapped[str] = mapped_column(Text, default="")
    shared_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    yearly_goals: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    # a natural person's name: sealed with core.pii, shown masked
    responsible_person_enc: Mapped[str | None] = mapped_column(Text, default=None)
    schedule: Mapped[str] = mapped_column(String(16), default="monthly")  # monthly | quarterly
    closing: Mapped[str] = mapped_column(String(16), default="open")  # open | requested | closed
    close_evidence: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Checkpoint(Base):
    """A dated milestone of a plan (到2025年底基本完成改造任务): due on 31 December of its
    year, attached to the task it belongs to (``task_id`` null: plan-wide, until the office
    assigns it), open until confirmed done with a note."""

    __tablename__ = "sv_checkpoints"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sv_plans.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("sv_tasks.id"), index=True, default=None)
    title: Mapped[str] = mapped_column(String(256))
    year: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    quote: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    done_note: Mapped[str] = mapped_column(Text, default="")
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskUnit(Base):
    """A department responsible for a task, as lead or support."""

    __tablename__ = "sv_task_units"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | support

    __table_args__ = (UniqueConstraint("task_id", "department_id", "role"),)


class Report(Base):
    """A progress report a department filed for a task and a period."""

    __tablename__ = "sv_reports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"))
    period: Mapped[str] = mapped_column(String(8))  # 2026-11 or 2026-Q4
    percent: Mapped[int] = mapped_column(Integer)  # 0..100, the department's estimate
    text: Mapped[str] = mapped_column(Text)
    figures: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reported_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """A file attached to a report, or the evidence for closing a task (``report_id`` null)."""

    __tablename__ = "sv_attachments"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("sv_reports.id"), default=None)
    filename: Mapped[str] = mapped_column(String(256))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Indicator(Base):
    """A quantitative target of a plan, tracked with yearly actual values."""

    __tablename__ = "sv_indicators"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sv_plans.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16), default=None)
    target_value: Mapped[float] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column(Integer, default=None)
    baseline_year: Mapped[int | None] = mapped_column(Integer, default=None)
    baseline_value: Mapped[float | None] = mapped_column(Float, default=None)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("sv_departments.id"), default=None)
    computed_key: Mapped[str | None] = mapped_column(String(64), default=None)
    quote: Mapped[str] = mapped_column(Text, default="")


class IndicatorValue(Base):
    """The actual value of an indicator for a year, with where it came from."""

    __tablename__ = "sv_indicator_values"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("sv_indicators.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(256))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("indicator_id", "year"),)


class Briefing(Base):
    """An issued 工作信息简报 (the .docx is kept as issued)."""

    __tablename__ = "sv_briefings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    issue_no: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "issue_no"),)
