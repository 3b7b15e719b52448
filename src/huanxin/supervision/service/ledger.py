"""The task ledger: listing (the office sees its jurisdictions, a department its own tasks),
the computed status, the office's edits (goals, measures, deadline, responsible person,
reporting schedule) and the reminders list (deadlines, missing reports, dated checkpoints)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import as_utc, today_cn
from huanxin.core.errors import NotAChoice, OutOfRange
from huanxin.supervision import vocab as rules
from huanxin.supervision.models import Checkpoint, Department, Report, Task, TaskUnit
from huanxin.supervision.service.common import actor_department

REMIND_DAYS = 30


@dataclass
class TaskRow:
    """A task with what pages, exports and the API show about it."""

    task: Task
    status: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    latest_percent: int | None = None
    latest_period: str | None = None
    reports: int = 0
    next_checkpoint: Checkpoint | None = None

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def person(self) -> str:
        enc = self.task.responsible_person_enc
        return identifiers.mask_name(pii.unseal(enc)) if enc else ""


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    task = session.get(Task, task_id)
    return visible(actor, task, task.jurisdiction_code if task else None, "任务不存在")


def department_ids(session: Session, task_id: int, role: str | None = None) -> set[int]:
    stmt = select(TaskUnit.department_id).where(TaskUnit.task_id == task_id)
    if role:
        stmt = stmt.where(TaskUnit.role == role)
    return set(session.scalars(stmt))


def tasks_query(session: Session, actor: Actor, *, plan_id: int | None = None) -> list[Task]:
    stmt = select(Task).where(Task.jurisdiction_code.in_(actor.scope_codes))
    if plan_id is not None:
        stmt = stmt.where(Task.plan_id == plan_id)
    if actor.role == "department":
        dept = actor_department(session, actor)
        if dept is None:
            return []
        mine = select(TaskUnit.task_id).where(TaskUnit.department_id == dept.id)
        stmt = stmt.where(Task.id.in_(mine))
    return list(session.scalars(stmt.order_by(Task.plan_id, Task.id)))


def rows_for(session: Session, tasks: list[Task], today: date | None = None) -> list[TaskRow]:
    day = today or today_cn()
    ids = [t.id for t in tasks]
    units = _units(session, ids)
    reports = _reports(session, ids)
    checkpoints = open_checkpoints(session, ids)
    out = []
    for task in tasks:
        mine = reports.get(task.id, [])
        latest = mine[-1] if mine else None
        dated = checkpoints.get(task.id, [])
        facts = facts_of(task, mine, dated)
        out.append(
            TaskRow(
                task,
                rules.status(facts, day),
                units[task.id]["lead"],
                units[task.id]["support"],
                latest.percent if latest else None,
                latest.period if latest else None,
                len(mine),
                dated[0] if dated else None,
            )
        )
    return out


def facts_of(
    task: Task, reports: list[Report], checkpoints: list[Checkpoint] | None = None
) -> rules.TaskFacts:
    latest = reports[-1] if reports else None
    return rules.TaskFacts(
        closed=task.closing == "closed",
        deadline=task.deadline,
        created=as_utc(task.created_at).date(),
        schedule=task.schedule,
        latest_percent=latest.percent if latest else None,
        reported_periods=frozenset(r.period for r in reports),
        open_checkpoints=tuple(c.due for c in checkpoints or []),
    )


def open_checkpoints(session: Session, ids: list[int]) -> dict[int, list[Checkpoint]]:
    """Checkpoints not yet confirmed done, per task, earliest first."""
    out: dict[int, list[Checkpoint]] = defaultdict(list)
    if not ids:
        return out
    stmt = select(Checkpoint).where(Checkpoint.task_id.in_(ids), Checkpoint.done_on.is_(None))
    for row in session.scalars(stmt.order_by(Checkpoint.due, Checkpoint.id)):
        out[int(row.task_id or 0)].append(row)
    return out


def _units(session: Session, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "support": []})
    if not ids:
        return out
    stmt = (
        select(TaskUnit.task_id, TaskUnit.role, Department.name)
        .join(Department, Department.id == TaskUnit.department_id)
        .where(TaskUnit.task_id.in_(ids))
        .order_by(TaskUnit.id)
    )
    for task_id, role, name in session.execute(stmt):
        out[task_id][role].append(name)
    return out


def _reports(session: Session, ids: list[int]) -> dict[int, list[Report]]:
    out: dict[int, list[Report]] = defaultdict(list)
    if not ids:
        return out
    stmt = select(Report).where(Report.task_id.in_(ids)).order_by(Report.period, Report.id)
    for report in session.scalars(stmt):
        out[report.task_id].append(report)
    return out


def list_rows(
    session: Session, actor: Actor, *, plan_id: int | None = None, today: date | None = None
) -> list[TaskRow]:
    return rows_for(session, tasks_query(session, actor, plan_id=plan_id), today)


def update_task(
    session: Session,
    actor: Actor,
    task_id: int,
    *,
    yearly_goals: str,
    measures: str,
    deadline: date | None,
    responsible_person: str | None,
    schedule: str,
) -> Task:
    """Edit the ledger fields; ``responsible_person`` None keeps the stored name, "" clears it."""
    task = get_task(session, actor, task_id)
    if schedule not in rules.SCHEDULE_LABELS:
        raise NotAChoice("填报周期只能是每月或每季度", field="schedule")
    if responsible_person is not None and len(responsible_person.strip()) > 32:
        raise OutOfRange("责任人姓名过长", field="responsible_person")
    before = _snapshot(task)
    task.yearly_goals, task.measures = yearly_goals.strip(), measures.strip()
    task.deadline, task.schedule = deadline, schedule
    if responsible_person is not None:
        person = responsible_person.strip()
        task.responsible_person_enc = pii.seal(person) if person else None
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.task_updated",
        object_type="sv_task",
        object_id=task.id,
        before=before,
        after=_snapshot(task),
        jurisdiction_code=task.jurisdiction_code,
    )
    return task


def _snapshot(task: Task) -> dict[str, object]:
    return {
        "yearly_goals": task.yearly_goals,
        "measures": task.measures,
        "deadline": task.deadline,
        "schedule": task.schedule,
        "person_set": task.responsible_person_enc is not None,
    }


@dataclass(frozen=True)
class Reminder:
    task_id: int | None  # None: a plan-wide checkpoint not yet assigned to a task
    ref: str
    title: str
    kind: str  # deadline | overdue | missing_report | report_due | checkpoint | checkpoint_missed
    message: str
    due: date | None


def reminders(
    session: Session, actor: Actor, *, days: int = REMIND_DAYS, today: date | None = None
) -> list[Reminder]:
    """Deadlines within ``days`` days, overdue tasks, missing or due reports, and dated
    checkpoints due within ``days`` days or past due without being confirmed done."""
    if days < 0 or days > 366:
        raise OutOfRange("提醒天数应在0到366之间", field="days")
    day = today or today_cn()
    tasks = [t for t in tasks_query(session, actor) if t.closing != "closed"]
    ids = [t.id for t in tasks]
    reports, dated = _reports(session, ids), open_checkpoints(session, ids)
    out: list[Reminder] = []
    for task in tasks:
        mine = dated.get(task.id, [])
        out += _task_reminders(task, facts_of(task, reports.get(task.id, []), mine), day, days)
        out += [r for c in mine if (r := _checkpoint_reminder(c, task, day, days))]
    if actor.role != "department":
        out += [
            r for c in _plan_wide(session, actor) if (r := _checkpoint_reminder(c, None, day, days))
        ]
    return sorted(out, key=lambda r: (r.due or date.max, r.task_id or 0, r.kind))


def _plan_wide(session: Session, actor: Actor) -> list[Checkpoint]:
    stmt = select(Checkpoint).where(
        Checkpoint.jurisdiction_code.in_(actor.scope_codes),
        Checkpoint.task_id.is_(None),
        Checkpoint.done_on.is_(None),
    )
    return list(session.scalars(stmt.order_by(Checkpoint.due, Checkpoint.id)))


def _checkpoint_reminder(
    row: Checkpoint, task: Task | None, day: date, days: int
) -> Reminder | None:
    ref, title = (task.ref, task.title) if task else ("全局", "（未关联任务）")
    if row.due < day:
        msg = f"时间节点“{row.title}”已过期 {(day - row.due).days} 天，尚未确认完成"
        return Reminder(task.id if task else None, ref, title, "checkpoint_missed", msg, row.due)
    if row.due <= day + timedelta(days=days):
        msg = f"时间节点“{row.title}”距到期还有 {(row.due - day).days} 天"
        return Reminder(task.id if task else None, ref, title, "checkpoint", msg, row.due)
    return None


def _task_reminders(task: Task, facts: rules.TaskFacts, day: date, days: int) -> list[Reminder]:
    out = []
    if task.deadline and task.deadline < day:
        msg = f"已超过完成时限 {(day - task.deadline).days} 天"
        out.append(Reminder(task.id, task.ref, task.title, "overdue", msg, task.deadline))
    elif task.deadline and task.deadline <= day + timedelta(days=days):
        msg = f"距完成时限还有 {(task.deadline - day).days} 天"
        out.append(Reminder(task.id, task.ref, task.title, "deadline", msg, task.deadline))
    if (missing := rules.missing_previous(facts, day)) is not None:
        bounds = rules.period_bounds(missing)
        msg = f"{missing} 期进展未填报"
        out.append(
            Reminder(
                task.id, task.ref, task.title, "missing_report", msg, bounds[1] if bounds else None
            )
        )
    current = rules.period_of(day, task.schedule)
    bounds = rules.period_bounds(current)
    if bounds and current not in facts.reported_periods and bounds[1] <= day + timedelta(days):
        msg = f"{current} 期进展请于 {bounds[1].isoformat()} 前填报"
        out.append(Reminder(task.id, task.ref, task.title, "report_due", msg, bounds[1]))
    return out


REMINDER_LABELS = {
    "overdue": "已逾期",
    "deadline": "临近时限",
    "missing_report": "缺报",
    "report_due": "待填报",
    "checkpoint": "节点临近",
    "checkpoint_missed": "节点逾期",
}
