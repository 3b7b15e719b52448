"""Progress reports filed by departments, and closing a task (对账销号): a responsible
department (or the office) requests it with evidence, the office approves or returns it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import Conflict, InvalidInput, OutOfRange, PermissionDenied, Required
from huanxin.supervision import vocab as rules
from huanxin.supervision.errors import IllegalClosing, NotYourTask, PeriodNotStarted
from huanxin.supervision.models import Attachment, Department, Report, Task
from huanxin.supervision.service import files
from huanxin.supervision.service.common import actor_department
from huanxin.supervision.service.ledger import department_ids, get_task
from huanxin.supervision.states import TASK_CLOSING, TaskClosing


def responsible_department(session: Session, actor: Actor, task: Task) -> Department:
    """The actor's department when it leads or supports the task; refused otherwise."""
    dept = actor_department(session, actor)
    if dept is None or dept.id not in department_ids(session, task.id):
        raise NotYourTask()
    return dept


def file_report(
    session: Session,
    actor: Actor,
    task_id: int,
    *,
    period: str,
    percent: int,
    text: str,
    figures: str = "",
    uploads: list[files.Upload] | None = None,
    today: date | None = None,
) -> Report:
    task = get_task(session, actor, task_id)
    dept = responsible_department(session, actor, task)
    if not TASK_CLOSING.following(task.closing):
        raise IllegalClosing("该任务已销号，不能再填报进展", field="task_id")
    _check_report(task, period=period, percent=percent, text=text, today=today or today_cn())
    if _exists(session, task.id, dept.id, period):
        raise Conflict(f"本部门已填报 {period} 期进展", field="period")
    checked = files.check(uploads or [])
    report = Report(
        task_id=task.id,
        department_id=dept.id,
        period=period,
        percent=percent,
        text=text.strip(),
        figures=figures.strip(),
        reported_by=actor.user_id or None,
        reported_on=today or today_cn(),
        created_at=utcnow(),
    )
    session.add(report)
    session.flush()
    stored = files.store(session, checked, task_id=task.id, report_id=report.id)
    audit.record(
        session,
        actor,
        "supervision.report_filed",
        object_type="sv_report",
        object_id=report.id,
        after={"task_id": task.id, "period": period, "percent": percent, "files": len(stored)},
        jurisdiction_code=task.jurisdiction_code,
    )
    return report


def _check_report(task: Task, *, period: str, percent: int, text: str, today: date) -> None:
    if not rules.period_matches(period, task.schedule):
        example = "2026-Q4" if task.schedule == "quarterly" else "2026-11"
        raise InvalidInput(f"填报期次格式不正确（如 {example}）", field="period")
    bounds = rules.period_bounds(period)
    if bounds is None or bounds[0] > today:
        raise PeriodNotStarted("不能填报尚未开始的期次", field="period")
    if not 0 <= percent <= 100:
        raise OutOfRange("完成进度应在0到100之间", field="percent")
    if not text.strip():
        raise Required("进展情况不能为空", field="text")


def _exists(session: Session, task_id: int, dept_id: int, period: str) -> bool:
    stmt = select(Report.id).where(
        Report.task_id == task_id, Report.department_id == dept_id, Report.period == period
    )
    return session.scalars(stmt).first() is not None


def reports_of(session: Session, task: Task) -> list[tuple[Report, str, list[Attachment]]]:
    stmt = (
        select(Report, Department.name)
        .join(Department, Department.id == Report.department_id)
        .where(Report.task_id == task.id)
        .order_by(Report.period.desc(), Report.id.desc())
    )
    out = []
    for report, name in session.execute(stmt):
        out.append((report, name, attachments(session, task.id, report.id)))
    return out


def attachments(session: Session, task_id: int, report_id: int | None) -> list[Attachment]:
    stmt = select(Attachment).where(Attachment.task_id == task_id)
    stmt = stmt.where(
        Attachment.report_id.is_(None) if report_id is None else Attachment.report_id == report_id
    )
    return list(session.scalars(stmt.order_by(Attachment.id)))


def get_attachment(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    task = get_task(session, actor, row.task_id if row else 0)
    assert row is not None
    if actor.role == "department":
        responsible_department(session, actor, task)
    return row


def request_close(
    session: Session,
    actor: Actor,
    task_id: int,
    *,
    evidence: str,
    uploads: list[files.Upload],
) -> Task:
    """Ask to close the task: evidence text and at least one evidence file are required."""
    task = get_task(session, actor, task_id)
    if actor.role == "department":
        dept = responsible_department(session, actor, task)
        if dept.id not in department_ids(session, task.id, "lead"):
            raise PermissionDenied("只有牵头单位可以申请销号", field="task_id")
    elif not actor.can("supervision:write"):
        raise PermissionDenied("当前角色无权申请销号")
    if not TASK_CLOSING.allows(task.closing, TaskClosing.REQUESTED):
        raise IllegalClosing("该任务已申请销号或已销号", field="task_id")
    if not evidence.strip():
        raise Required("申请销号须说明完成情况和佐证", field="evidence")
    checked = files.check(uploads)
    if not checked:
        raise Required("申请销号须上传至少一个佐证材料", field="files")
    files.store(session, checked, task_id=task.id, report_id=None)
    task.closing, task.close_evidence = TaskClosing.REQUESTED, evidence.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.close_requested",
        object_type="sv_task",
        object_id=task.id,
        after={"files": len(checked)},
        jurisdiction_code=task.jurisdiction_code,
    )
    return task


def decide_close(
    session: Session, actor: Actor, task_id: int, *, approve: bool, note: str = ""
) -> Task:
    """The office approves (task done) or returns (task open again) a closing request."""
    task = get_task(session, actor, task_id)
    if task.closing != TaskClosing.REQUESTED:
        raise IllegalClosing("该任务没有待审核的销号申请", field="task_id")
    if not approve and not note.strip():
        raise Required("退回销号申请须说明理由", field="note")
    task.closing = TASK_CLOSING.check(
        task.closing, TaskClosing.CLOSED if approve else TaskClosing.OPEN, field="task_id"
    )
    task.closed_at = utcnow() if approve else None
    session.flush()
    action = "supervision.close_approved" if approve else "supervision.close_returned"
    audit.record(
        session,
        actor,
        action,
        object_type="sv_task",
        object_id=task.id,
        detail={"note": note.strip()},
        jurisdiction_code=task.jurisdiction_code,
    )
    return task
