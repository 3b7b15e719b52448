"""Ledger tasks the working mechanism creates: a meeting's decision assigned to a unit, a
visit's finding to rectify. They live in the ledger like a plan's tasks (reports, reminders,
closing with evidence) under one plan per jurisdiction, 专班交办事项, that no document made."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Required
from huanxin.supervision.errors import IllegalClosing
from huanxin.supervision.models import Department, Plan, Task, TaskUnit
from huanxin.supervision.service import ledger
from huanxin.supervision.states import PlanStatus

PLAN_TITLE = "工作专班交办事项（会议议定和督导整改）"
SOURCE_LABELS = {"meeting": "会议交办", "visit": "督导整改"}


def plan_for(session: Session, actor: Actor, code: str) -> Plan:
    """The jurisdiction's plan of assigned tasks, created on first use."""
    stmt = select(Plan).where(Plan.jurisdiction_code == code, Plan.file_format == "assigned")
    found = session.scalars(stmt).first()
    if found is not None:
        return found
    empty = {
        "title": PLAN_TITLE,
        "tasks": [],
        "appendix_tasks": [],
        "targets": [],
        "milestones": [],
        "unplaced": [],
    }
    plan = Plan(
        jurisdiction_code=code,
        title=PLAN_TITLE,
        source_file="",
        file_format="assigned",
        file_size=0,
        sha256="",
        parsed=json.dumps(empty, ensure_ascii=False),
        status=PlanStatus.CONFIRMED.value,
        created_by=actor.user_id or None,
        created_at=utcnow(),
        confirmed_at=utcnow(),
    )
    session.add(plan)
    session.flush()
    return plan


def new_task(
    session: Session,
    actor: Actor,
    *,
    code: str,
    source: str,
    ref: str,
    title: str,
    department: Department,
    deadline: date,
) -> Task:
    """A task led by ``department`` with ``deadline``, reported monthly."""
    text = title.strip()
    if not text:
        raise Required("任务内容不能为空", field="text")
    plan = plan_for(session, actor, code)
    task = Task(
        plan_id=plan.id,
        jurisdiction_code=code,
        ref=ref[:64],
        source=source,
        title=text[:256],
        quote=text,
        deadline=deadline,
        created_at=utcnow(),
    )
    session.add(task)
    session.flush()
    session.add(TaskUnit(task_id=task.id, department_id=department.id, role="lead"))
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.task_assigned",
        object_type="sv_task",
        object_id=task.id,
        after={"source": source, "department": department.id, "deadline": deadline},
        jurisdiction_code=code,
    )
    return task


def close_by_decision(session: Session, actor: Actor, task_id: int, *, note: str) -> Task:
    """A meeting decides a task is done (对账销号 by the meeting), with its words as evidence."""
    task = ledger.get_task(session, actor, task_id)
    if task.closing == "closed":
        raise IllegalClosing("该任务已销号", field="task_id")
    task.closing, task.closed_at = "closed", utcnow()
    task.close_evidence = note.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.close_by_meeting",
        object_type="sv_task",
        object_id=task.id,
        detail={"note": note.strip()},
        jurisdiction_code=task.jurisdiction_code,
    )
    return task
