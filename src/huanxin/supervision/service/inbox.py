"""What each unit must do now (待办), gathered from the ledger and the working mechanism.

A department sees: the ledger's reminders for its tasks (deadlines, reports due, including
tasks meetings and visits assigned to it), findings it must put right, meetings of bodies it
sits on that are still to be held, reports delivered to it and not yet read, and its own
escalation proposals waiting for the office. The office sees: proposals to review, closing
requests to decide, matters sent up and not yet answered, meetings past their date without
minutes, and findings past their deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.supervision.mechanism_models import Bulletin, Delivery, Finding, Meeting, Seat
from huanxin.supervision.models import Task
from huanxin.supervision.service import escalations, ledger, visits
from huanxin.supervision.service.common import actor_department
from huanxin.supervision.states import EscalationState, MeetingState


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    detail: str
    due: date | None
    href: str


KIND_LABELS = {
    "reminder": "台账提醒",
    "finding": "督导整改",
    "meeting": "待参加会议",
    "bulletin": "待阅报告",
    "escalation": "需上级支持事项",
    "closing": "销号审核",
    "minutes": "待补会议纪要",
}


def items_for(session: Session, actor: Actor, today: date | None = None) -> list[Item]:
    day = today or today_cn()
    if actor.can("supervision:write"):
        out = _office(session, actor, day)
    else:
        out = _department(session, actor, day)
    return sorted(out, key=lambda i: (i.due or date.max, i.kind, i.title))


def _department(session: Session, actor: Actor, day: date) -> list[Item]:
    dept = actor_department(session, actor)
    if dept is None:
        return []
    out = [
        Item(
            "reminder",
            f"{r.ref} {r.title}",
            r.message,
            r.due,
            f"/supervision/tasks/{r.task_id}" if r.task_id else "/supervision/reminders",
        )
        for r in ledger.reminders(session, actor, today=day)
    ]
    rows = session.scalars(
        select(Finding)
        .join(Task, Task.id == Finding.task_id)
        .where(Finding.department_id == dept.id, Task.closing == "open")
    )
    out += [
        Item(
            "finding", f.text, "请按期整改并申请销号", f.deadline, f"/supervision/tasks/{f.task_id}"
        )
        for f in rows
    ]
    bodies_sat = select(Seat.body_id).where(Seat.department_id == dept.id, Seat.end_on.is_(None))
    meets = session.scalars(
        select(Meeting).where(
            Meeting.body_id.in_(bodies_sat),
            Meeting.state == MeetingState.SCHEDULED,
            Meeting.held_on >= day,
        )
    )
    out += [
        Item("meeting", m.title, m.place, m.held_on, f"/supervision/meetings/{m.id}") for m in meets
    ]
    unread = session.scalars(
        select(Bulletin)
        .join(Delivery, Delivery.bulletin_id == Bulletin.id)
        .where(Delivery.department_id == dept.id, Delivery.read_at.is_(None))
    )
    out += [
        Item(
            "bulletin",
            f"{b.title}第{b.issue_no}期",
            "请阅知",
            None,
            f"/api/v1/supervision/bulletins/{b.id}.docx",
        )
        for b in unread
    ]
    out += [
        Item("escalation", e.title, "已提出，等待专班办公室审核", None, "/supervision/escalations")
        for e in escalations.list_for(session, actor)
        if e.state == EscalationState.PROPOSED
    ]
    return out


def _office(session: Session, actor: Actor, day: date) -> list[Item]:
    out = []
    for e in escalations.list_for(session, actor, open_only=True):
        if e.state == EscalationState.PROPOSED:
            out.append(
                Item(
                    "escalation", e.title, "部门提出，待审核报送", None, "/supervision/escalations"
                )
            )
        elif e.state == EscalationState.SUBMITTED:
            out.append(
                Item(
                    "escalation",
                    e.title,
                    f"已报送{e.addressee}，待答复",
                    None,
                    "/supervision/escalations",
                )
            )
    out += [
        Item(
            "closing", f"{t.ref} {t.title}", "申请销号，待审核", None, f"/supervision/tasks/{t.id}"
        )
        for t in ledger.tasks_query(session, actor)
        if t.closing == "requested"
    ]
    meets = session.scalars(
        select(Meeting).where(
            Meeting.jurisdiction_code.in_(actor.scope_codes),
            Meeting.state == MeetingState.SCHEDULED,
            Meeting.held_on < day,
        )
    )
    out += [
        Item(
            "minutes",
            m.title,
            "会议日期已过，请补记纪要",
            m.held_on,
            f"/supervision/meetings/{m.id}",
        )
        for m in meets
    ]
    for code in sorted(actor.scope_codes):
        out += [
            Item("finding", f.text, "已过整改时限", f.deadline, f"/supervision/tasks/{f.task_id}")
            for f in visits.open_findings(session, code)
            if f.deadline < day
        ]
    return out
