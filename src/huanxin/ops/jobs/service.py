"""Run a job once under its lock, record the run, and read the runs back for the office.

Two runners never run the same job at once: a run takes the job's row in ``ops_jobs`` with a
conditional UPDATE (a lock left by a killed runner goes stale after ``LOCK_HOURS``). Every
run leaves an ``ops_job_runs`` row: running, then ok or failed with its time and summary.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.core.clock import as_utc, utcnow
from huanxin.core.errors import DomainError
from huanxin.db import Database
from huanxin.ops.backup import BackupError
from huanxin.ops.jobs.models import Job, JobRun
from huanxin.ops.jobs.registry import BY_NAME, JOBS, JobError, JobSpec
from huanxin.ops.logs import scrub

LOCK_HOURS = 6
log = structlog.get_logger("huanxin.jobs")


@dataclass(frozen=True)
class JobView:
    job: str
    label: str
    schedule: str
    last: JobRun | None
    last_success: JobRun | None
    next_at: datetime
    failures_7d: int


def _ensure_row(db: Database, name: str) -> None:
    with db.unit_of_work() as session:
        if session.get(Job, name) is not None:
            return
        try:
            with session.begin_nested():
                session.add(Job(name=name))
        except IntegrityError:
            pass  # another runner created it first


def acquire(db: Database, name: str) -> str | None:
    """The run token if this runner now holds the job's lock, else None."""
    _ensure_row(db, name)
    token, now = uuid.uuid4().hex, utcnow()
    with db.unit_of_work() as session:
        result = session.execute(
            update(Job)
            .where(Job.name == name)
            .where(
                or_(Job.run_token.is_(None), Job.running_since < now - timedelta(hours=LOCK_HOURS))
            )
            .values(run_token=token, running_since=now)
        )
    return token if result.rowcount == 1 else None  # type: ignore[attr-defined]


def release(db: Database, name: str, token: str) -> None:
    with db.unit_of_work() as session:
        session.execute(
            update(Job)
            .where(Job.name == name, Job.run_token == token)
            .values(run_token=None, running_since=None)
        )


def _start(db: Database, spec: JobSpec, trigger: str) -> int:
    with db.unit_of_work() as session:
        run = JobRun(
            job=spec.name,
            trigger=trigger,
            outcome="running",
            started_at=utcnow(),
            host=socket.gethostname()[:64],
        )
        session.add(run)
        session.flush()
        return run.id


def _finish(
    db: Database, run_id: int, outcome: str, seconds: float, summary: str, error: str
) -> JobRun:
    with db.unit_of_work() as session:
        run = session.get_one(JobRun, run_id)
        run.outcome, run.seconds, run.finished_at = outcome, round(seconds, 3), utcnow()
        run.summary, run.error = summary, error[:500]
        return run


def run_job(db: Database, spec: JobSpec, *, trigger: str = "manual") -> JobRun | None:
    """Run ``spec`` once; None when another runner holds it. Failures are recorded, not raised."""
    token = acquire(db, spec.name)
    if token is None:
        log.info("job.busy", job=spec.name)
        return None
    try:
        run_id = _start(db, spec, trigger)
        log.info("job.started", job=spec.name, run=run_id)
        started = time.perf_counter()
        try:
            summary = spec.run(db)
        except Exception as exc:  # a job's failure is recorded and shown, never lost
            log.error(
                "job.failed",
                job=spec.name,
                run=run_id,
                error=scrub(f"{exc.__class__.__name__}: {exc}"),
            )
            return _finish(
                db, run_id, "failed", time.perf_counter() - started, "", office_message(exc, run_id)
            )
        text = json.dumps(summary, ensure_ascii=False, default=str)
        run = _finish(db, run_id, "ok", time.perf_counter() - started, text, "")
        log.info("job.finished", job=spec.name, run=run_id, seconds=run.seconds)
        return run
    finally:
        release(db, spec.name, token)


def office_message(exc: Exception, run_id: int) -> str:
    """What 定时任务 shows: our own Chinese message, or where to look for anything else."""
    if isinstance(exc, JobError | BackupError):
        return scrub(str(exc))
    if isinstance(exc, DomainError):
        return scrub(exc.message)
    return f"运行出错，详情见服务器日志（任务运行编号 {run_id}）"


def _latest(session: Session, job: str, *, ok_only: bool = False) -> JobRun | None:
    stmt = select(JobRun).where(JobRun.job == job)
    if ok_only:
        stmt = stmt.where(JobRun.outcome == "ok")
    return session.scalars(
        stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
    ).first()


def last_runs(session: Session, now: datetime | None = None) -> list[JobView]:
    now = now or utcnow()
    views = []
    for spec in JOBS:
        failures = select(JobRun.id).where(
            JobRun.job == spec.name,
            JobRun.outcome == "failed",
            JobRun.started_at >= now - timedelta(days=7),
        )
        views.append(
            JobView(
                spec.name,
                spec.label,
                spec.schedule.label(),
                _latest(session, spec.name),
                _latest(session, spec.name, ok_only=True),
                spec.schedule.next_slot(now),
                len(session.scalars(failures).all()),
            )
        )
    return views


def due_jobs(db: Database, now: datetime | None = None) -> list[JobSpec]:
    now = now or utcnow()
    with db.sessions() as session:
        return [spec for spec in JOBS if spec.schedule.due(_success_start(session, spec.name), now)]


def _success_start(session: Session, job: str) -> datetime | None:
    run = _latest(session, job, ok_only=True)
    return as_utc(run.started_at) if run else None


def run_due(db: Database, now: datetime | None = None) -> list[tuple[JobSpec, JobRun | None]]:
    """Run every job whose last scheduled moment has passed since its last success."""
    return [(spec, run_job(db, spec, trigger="schedule")) for spec in due_jobs(db, now)]


def spec_of(name: str) -> JobSpec | None:
    return BY_NAME.get(name)
