"""Tables of the task force's working mechanism (prefix ``sv_``): the joint meeting and its
working groups with dated seats, meetings with agenda, attendance and decisions, supervision
visits and their findings, escalations to higher levels, report templates and the reports made
from them with their deliveries, and the office's public content (Q&A, typical cases).

Names of the people on a seat are officials acting in office as published in the government's
notice of the joint meeting (联席会议成员名单), not identifiers of private persons, so they are
stored plainly; the responsible person of a ledger task stays sealed as before.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
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


class Body(Base):
    """A joint meeting (``kind`` joint_meeting) or one of its working groups (working_group,
    ``parent_id`` the joint meeting), with the department that leads or runs it."""

    __tablename__ = "sv_bodies"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sv_bodies.id"), default=None)
    lead_department_id: Mapped[int | None] = mapped_column(
        ForeignKey("sv_departments.id"), default=None
    )
    duties: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "name"),)


class Seat(Base):
    """Who sits for a unit on a body, from ``start_on`` until ``end_on`` (null: current).
    A change of person ends the old row and opens a new one, so history stays."""

    __tablename__ = "sv_seats"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("sv_bodies.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    person_name: Mapped[str] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(64), default="")
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date, default=None)
    change_note: Mapped[str] = mapped_column(String(256), default="")
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BodyTask(Base):
    """A ledger task on a working group's own task list."""

    __tablename__ = "sv_body_tasks"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("sv_bodies.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id"), index=True)

    __table_args__ = (UniqueConstraint("body_id", "task_id"),)


class Meeting(Base):
    """A meeting of a body: plenary, topic meeting or dispatching meeting."""

    __tablename__ = "sv_meetings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("sv_bodies.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(128))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgendaItem(Base):
    """One agenda item: drawn from the ledger (``source`` names the kind, ``ref_id`` the row)
    or written by the office (``source`` custom)."""

    __tablename__ = "sv_agenda_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("sv_meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(256))
    detail: Mapped[str] = mapped_column(Text, default="")


class Attendance(Base):
    """A unit's attendance at a meeting: who came, or that nobody did."""

    __tablename__ = "sv_attendance"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("sv_meetings.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"))
    person_name: Mapped[str] = mapped_column(String(32), default="")
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("meeting_id", "department_id"),)


class Decision(Base):
    """A decision of a meeting: a new ledger task for a unit with a deadline (``kind``
    new_task), the closing of an existing task (close_task), or a note."""

    __tablename__ = "sv_decisions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("sv_meetings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("sv_departments.id"), default=None)
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("sv_tasks.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Visit(Base):
    """A supervision visit (督导调研) led by a unit: planned, then carried out."""

    __tablename__ = "sv_visits"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"))
    title: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(256))
    planned_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    state: Mapped[str] = mapped_column(String(16), default="planned")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Finding(Base):
    """A finding of a visit; its rectification is the ledger task ``task_id`` (closed with
    evidence through the ledger's closing)."""

    __tablename__ = "sv_findings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("sv_visits.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"))
    deadline: Mapped[date] = mapped_column(Date)
    task_id: Mapped[int] = mapped_column(ForeignKey("sv_tasks.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MechanismFile(Base):
    """A photo or file kept with a finding or an escalation (``owner`` finding | escalation)."""

    __tablename__ = "sv_mechanism_files"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    filename: Mapped[str] = mapped_column(String(256))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Escalation(Base):
    """A matter needing support from the province or the nation: what is asked, of whom,
    when it went up, and the answer."""

    __tablename__ = "sv_escalations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    ask: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    addressee: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("sv_departments.id"), default=None)
    state: Mapped[str] = mapped_column(String(16))
    submitted_on: Mapped[date | None] = mapped_column(Date, default=None)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date, default=None)
    closed_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportTemplate(Base):
    """A template of a recurring report (daily, ten-day, weekly, monthly, special): its
    title, opening text, the figures it shows (JSON list of keys) and its recipients
    (JSON list of department ids)."""

    __tablename__ = "sv_report_templates"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    opening: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(Text, default="[]")
    recipients: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "name"),)


class Bulletin(Base):
    """A report made from a template, numbered per template, with the figures it was made
    with (JSON) and its .docx; the PDF is kept once made."""

    __tablename__ = "sv_bulletins"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("sv_report_templates.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    issue_no: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(128))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    figures: Mapped[str] = mapped_column(Text)
    docx: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("template_id", "issue_no"),)


class Delivery(Base):
    """A report delivered to a unit's inbox; ``read_at`` set when the unit opens it."""

    __tablename__ = "sv_deliveries"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("sv_bulletins.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("sv_departments.id"), index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (UniqueConstraint("bulletin_id", "department_id"),)


class PublicItem(Base):
    """Content the office publishes under ``/public/``: a question and its answer (qa), a
    typical case (case) or a notice (notice)."""

    __tablename__ = "sv_public_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    published_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
