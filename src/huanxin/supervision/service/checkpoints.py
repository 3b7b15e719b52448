"""Dated checkpoints (时间节点) of the ledger, made from a plan's milestones.

A milestone found inside a task's section belongs to that task; one found in a section above
several tasks, or in the goals before them, goes to the task whose title shares most with it
(at least ``MIN_OVERLAP`` of the milestone's character pairs), else it stays plan-wide until
the office assigns it. A checkpoint is due on 31 December of its year. An open checkpoint past
its due date puts its task at risk and is listed among the reminders, as is one due within the
reminder window. The office, or the task's lead department, confirms it done with a note; the
office can reopen it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import PermissionDenied, Required, UnrelatedReference
from huanxin.supervision.errors import IllegalClosing
from huanxin.supervision.models import Checkpoint, Plan, Task
from huanxin.supervision.service.common import actor_department
from huanxin.supervision.service.ledger import department_ids, get_task, tasks_query

MIN_OVERLAP = 0.3


@dataclass(frozen=True)
class Placed:
    """A ledger task with its ref and the text it is matched on."""

    task: Task
    ref: str
    text: str


def _pairs(text: str) -> set[str]:
    chars = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return {a + b for a, b in pairwise(chars)}


def _overlap(milestone: str, text: str) -> float:
    mine = _pairs(milestone)
    return len(mine & _pairs(text)) / len(mine) if mine else 0.0


def task_for(section: str | None, text: str, tasks: list[Placed]) -> Task | None:
    """The task a milestone or target found in ``section`` belongs to."""
    if section:
        exact = [p for p in tasks if p.ref == section]
        if exact:
            return exact[0].task
        below = [p for p in tasks if p.ref.startswith(section + "/")]
        if len(below) == 1:
            return below[0].task
        tasks = below or tasks
    best = max(tasks, key=lambda p: _overlap(text, p.text), default=None)
    if best is None or _overlap(text, best.text) < MIN_OVERLAP:
        return None
    return best.task


def create_from_plan(
    session: Session, plan: Plan, milestones: Iterable[dict[str, Any]], tasks: list[Placed]
) -> int:
    count = 0
    for item in milestones:
        year = item.get("year")
        if not isinstance(year, int):
            continue
        title = str(item.get("indicator") or "")[:256]
        task = task_for(item.get("section"), title, tasks)
        session.add(
            Checkpoint(
                plan_id=plan.id,
                jurisdiction_code=plan.jurisdiction_code,
                task_id=task.id if task else None,
                title=title,
                year=year,
                due=date(year, 12, 31),
                quote=str(item.get("quote") or ""),
                created_at=utcnow(),
            )
        )
        count += 1
    session.flush()
    return count


def get(session: Session, actor: Actor, checkpoint_id: int) -> Checkpoint:
    row = session.get(Checkpoint, checkpoint_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "时间节点不存在")


def list_for(
    session: Session, actor: Actor, *, plan_id: int | None = None, task_id: int | None = None
) -> list[Checkpoint]:
    """Checkpoints the actor sees: a department only those of its own tasks."""
    stmt = select(Checkpoint).where(Checkpoint.jurisdiction_code.in_(actor.scope_codes))
    if plan_id is not None:
        stmt = stmt.where(Checkpoint.plan_id == plan_id)
    if task_id is not None:
        stmt = stmt.where(Checkpoint.task_id == task_id)
    if actor.role == "department":
        mine = [t.id for t in tasks_query(session, actor)]
        stmt = stmt.where(Checkpoint.task_id.in_(mine))
    return list(session.scalars(stmt.order_by(Checkpoint.due, Checkpoint.id)))


def _may_confirm(session: Session, actor: Actor, row: Checkpoint) -> None:
    if actor.can("supervision:write"):
        return
    dept = actor_department(session, actor)
    lead = department_ids(session, row.task_id, "lead") if row.task_id else set()
    if dept is None or dept.id not in lead:
        raise PermissionDenied(
            "只有该任务的牵头单位或专班办公室可以确认时间节点", field="checkpoint_id"
        )


def mark_done(
    session: Session, actor: Actor, checkpoint_id: int, *, note: str, today: date | None = None
) -> Checkpoint:
    row = get(session, actor, checkpoint_id)
    _may_confirm(session, actor, row)
    if row.done_on is not None:
        raise IllegalClosing("该时间节点已确认完成", field="checkpoint_id")
    if not note.strip():
        raise Required("确认完成须说明完成情况", field="note")
    row.done_on, row.done_note = today or today_cn(), note.strip()[:2000]
    row.done_by = actor.user_id or None
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.checkpoint_done",
        object_type="sv_checkpoint",
        object_id=row.id,
        after={"done_on": row.done_on, "note": row.done_note},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def reopen(session: Session, actor: Actor, checkpoint_id: int, *, note: str) -> Checkpoint:
    row = get(session, actor, checkpoint_id)
    if row.done_on is None:
        raise IllegalClosing("该时间节点尚未确认完成", field="checkpoint_id")
    if not note.strip():
        raise Required("退回时间节点须说明理由", field="note")
    before = {"done_on": row.done_on, "note": row.done_note}
    row.done_on, row.done_note, row.done_by = None, "", None
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.checkpoint_reopened",
        object_type="sv_checkpoint",
        object_id=row.id,
        before=before,
        detail={"note": note.strip()},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def assign(
    session: Session, actor: Actor, checkpoint_id: int, *, task_id: int | None
) -> Checkpoint:
    """The office attaches a checkpoint to a task of the same plan (or makes it plan-wide)."""
    row = get(session, actor, checkpoint_id)
    if task_id is not None:
        task = get_task(session, actor, task_id)
        if task.plan_id != row.plan_id:
            raise UnrelatedReference("只能关联到同一实施方案的任务", field="task_id")
    before = {"task_id": row.task_id}
    row.task_id = task_id
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.checkpoint_assigned",
        object_type="sv_checkpoint",
        object_id=row.id,
        before=before,
        after={"task_id": task_id},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def state_of(row: Checkpoint, today: date) -> str:
    if row.done_on is not None:
        return "done"
    return "missed" if row.due < today else "open"


STATE_LABELS = {"open": "未到期", "missed": "已过期未完成", "done": "已完成"}
