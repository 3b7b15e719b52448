"""Job tables: one lock row per job (``ops_jobs``) and one row per run (``ops_job_runs``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Job(Base):
    """A job's lock: ``run_token`` is set while a run holds it (stale after ``LOCK_HOURS``)."""

    __tablename__ = "ops_jobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_token: Mapped[str | None] = mapped_column(String(32), default=None)
    running_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class JobRun(Base):
    __tablename__ = "ops_job_runs"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16))  # schedule | manual
    outcome: Mapped[str] = mapped_column(String(16))  # running | ok | failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    seconds: Mapped[float | None] = mapped_column(Float, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    host: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_ops_job_runs_job_started", "job", "started_at"),)
