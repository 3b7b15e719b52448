"""Meetings of the joint meeting and its working groups: scheduling with an agenda drawn from
the ledger (overdue tasks, indicators off course, open escalations, claims held from payment),
attendance, decisions that each become a ledger task for a unit with a deadline or close one,
and holding the meeting with its minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import NotUnique, Required
from huanxin.core.money import yuan_text
from huanxin.supervision import indicators
from huanxin.supervision.errors import DecisionWithoutDeadline, DecisionWithoutUnit
from huanxin.supervision.mechanism_models import AgendaItem, Attendance, Decision, Meeting
from huanxin.supervision.service import assigned, bodies, escalations, ledger
from huanxin.supervision.states import MEETINGS, MeetingState
from huanxin.supervision.vocab import DecisionKind, MeetingKind, label, parse


@dataclass(frozen=True)
class Topic:
    source: str  # overdue_task | indicator | escalation | held_claims | custom
    ref_id: int | None
    title: str
    detail: str


def get(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    row = session.get(Meeting, meeting_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "会议不存在")


def readable(actor: Actor) -> Select[Meeting]:
    """The meetings of the actor's scope."""
    return select(Meeting).where(Meeting.jurisdiction_code.in_(actor.scope_codes))


def list_for(session: Session, actor: Actor) -> list[Meeting]:
    stmt = readable(actor).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    return list(session.scalars(stmt))


def ledger_topics(session: Session, actor: Actor, code: str, today: date) -> list[Topic]:
    """What the ledger says a meeting of ``code`` should hear, in this order."""
    topics = [
        Topic(
            "overdue_task",
            r.task.id,
            f"逾期任务：{r.task.ref} {r.task.title}",
            f"牵头单位：{'、'.join(r.lead) or '未明确'}；完成时限：{r.task.deadline}",
        )
        for r in ledger.list_rows(session, actor, today=today)
        if r.task.jurisdiction_code == code and r.status == "overdue"
    ]
    topics += _indicator_topics(session, actor, code, today)
    topics += [
        Topic(
            "escalation",
            e.id,
            f"需上级支持事项：{e.title}",
            f"{label(e.state)}；请求{e.addressee}：{e.ask}",
        )
        for e in escalations.open_in(session, code)
    ]
    topics += _held_claims(session, actor, code)
    return topics


def _indicator_topics(session: Session, actor: Actor, code: str, today: date) -> list[Topic]:
    out = []
    for ind in indicators.list_for(session, actor):
        if ind.jurisdiction_code != code:
            continue
        p = indicators.progress(ind, indicators.values_of(session, ind.id), current_year=today.year)
        if p.on_course is False:
            out.append(
                Topic(
                    "indicator",
                    ind.id,
                    f"指标进度滞后：{ind.name}",
                    f"按趋势预计{ind.target_year}年达到{p.forecast:g}，低于目标{p.target_level:g}",
                )
            )
    return out


def _held_claims(session: Session, actor: Actor, code: str) -> list[Topic]:
    """Claims of ``code`` held from payment for integrity review, as one topic."""
    if not actor.can("integrity:read"):
        return []
    from huanxin.integrity.service.review import queue

    held = [
        c
        for c in queue(session, actor, status="held", limit=1000)
        if c.claim.jurisdiction_code == code
    ]
    if not held:
        return []
    total = sum(c.claim.subsidy_fen for c in held)
    return [
        Topic(
            "held_claims",
            None,
            f"暂缓支付的补贴申请{len(held)}笔",
            f"合计{yuan_text(total)}元，待核查后决定是否支付",
        )
    ]


def schedule(
    session: Session,
    actor: Actor,
    *,
    body_id: int,
    kind: str,
    title: str,
    held_on: date,
    place: str = "",
    topics: list[str] | None = None,
) -> Meeting:
    """A meeting with its agenda: the ledger's topics, then the office's own ``topics``."""
    body = bodies.get_body(session, actor, body_id)
    if not title.strip():
        raise Required("会议名称不能为空", field="title")
    row = Meeting(
        body_id=body.id,
        jurisdiction_code=body.jurisdiction_code,
        kind=parse(MeetingKind, kind, field="kind", what="会议类型"),
        title=title.strip(),
        held_on=held_on,
        place=place.strip(),
        state=MeetingState.SCHEDULED,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    found = ledger_topics(session, actor, body.jurisdiction_code, today_cn())
    own = [Topic("custom", None, t.strip(), "") for t in topics or [] if t.strip()]
    for i, t in enumerate(found + own, start=1):
        session.add(
            AgendaItem(
                meeting_id=row.id,
                position=i,
                source=t.source,
                ref_id=t.ref_id,
                title=t.title[:256],
                detail=t.detail,
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.meeting_scheduled",
        object_type="sv_meeting",
        object_id=row.id,
        after={"body": body.id, "held_on": held_on, "agenda": len(found) + len(own)},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def agenda(session: Session, meeting_id: int) -> list[AgendaItem]:
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    return list(session.scalars(stmt.order_by(AgendaItem.position)))


def record_attendance(
    session: Session, actor: Actor, meeting_id: int, *, entries: list[tuple[int, str, bool]]
) -> list[Attendance]:
    """Replace the attendance list: (department id, who came, present)."""
    row = get(session, actor, meeting_id)
    body = bodies.get_body(session, actor, row.body_id)
    seen: set[int] = set()
    for dept_id, _, _ in entries:
        bodies.body_department(session, actor, body, dept_id)
        if dept_id in seen:
            raise NotUnique("同一单位只能登记一次出席情况", field="department_id")
        seen.add(dept_id)
    for old in attendance(session, row.id):
        session.delete(old)
    session.flush()
    for dept_id, person, present in entries:
        session.add(
            Attendance(
                meeting_id=row.id,
                department_id=dept_id,
                person_name=person.strip()[:32],
                present=present,
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.attendance_recorded",
        object_type="sv_meeting",
        object_id=row.id,
        after={"present": sum(1 for e in entries if e[2])},
        jurisdiction_code=row.jurisdiction_code,
    )
    return attendance(session, row.id)


def attendance(session: Session, meeting_id: int) -> list[Attendance]:
    stmt = select(Attendance).where(Attendance.meeting_id == meeting_id)
    return list(session.scalars(stmt.order_by(Attendance.id)))


def decide(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    kind: str,
    text: str,
    department_id: int | None = None,
    deadline: date | None = None,
    task_id: int | None = None,
) -> Decision:
    """Record a decision; a new task needs a unit and a deadline, a closing needs the task."""
    row = get(session, actor, meeting_id)
    if row.state == MeetingState.CANCELLED:
        MEETINGS.check(row.state, MeetingState.HELD)
    kind = parse(DecisionKind, kind, field="kind", what="决定类型")
    if not text.strip():
        raise Required("请填写会议决定的内容", field="text")
    decision = Decision(meeting_id=row.id, kind=kind, text=text.strip(), created_at=utcnow())
    if kind == DecisionKind.NEW_TASK:
        decision.task_id = _assign(session, actor, row, text, department_id, deadline)
        decision.department_id, decision.deadline = department_id, deadline
    elif kind == DecisionKind.CLOSE_TASK:
        if task_id is None:
            raise Required("销号决定须选择要销号的任务", field="task_id")
        decision.task_id = assigned.close_by_decision(
            session, actor, task_id, note=f"{row.title}议定：{text}"
        ).id
    session.add(decision)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.decision_recorded",
        object_type="sv_meeting",
        object_id=row.id,
        after={"kind": kind, "task": decision.task_id},
        jurisdiction_code=row.jurisdiction_code,
    )
    return decision


def _assign(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    text: str,
    department_id: int | None,
    deadline: date | None,
) -> int:
    if department_id is None:
        raise DecisionWithoutUnit()
    if deadline is None:
        raise DecisionWithoutDeadline()
    body = bodies.get_body(session, actor, meeting.body_id)
    dept = bodies.body_department(session, actor, body, department_id)
    number = 1 + int(
        session.scalar(
            select(func.count()).select_from(Decision).where(Decision.meeting_id == meeting.id)
        )
        or 0
    )
    ref = f"{meeting.held_on:%Y%m%d}会议第{number}项"
    task = assigned.new_task(
        session,
        actor,
        code=meeting.jurisdiction_code,
        source="meeting",
        ref=ref,
        title=text,
        department=dept,
        deadline=deadline,
    )
    if body.kind == "working_group":
        bodies.add_task(session, actor, body.id, task_id=task.id)
    return task.id


def decisions(session: Session, meeting_id: int) -> list[Decision]:
    stmt = select(Decision).where(Decision.meeting_id == meeting_id)
    return list(session.scalars(stmt.order_by(Decision.id)))


def hold(session: Session, actor: Actor, meeting_id: int, *, minutes: str) -> Meeting:
    """Mark the meeting held, with its minutes text."""
    row = get(session, actor, meeting_id)
    MEETINGS.check(row.state, MeetingState.HELD)
    if not minutes.strip():
        raise Required("请填写会议纪要", field="minutes")
    row.state, row.minutes = MeetingState.HELD, minutes.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.meeting_held",
        object_type="sv_meeting",
        object_id=row.id,
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def cancel(session: Session, actor: Actor, meeting_id: int, *, reason: str) -> Meeting:
    row = get(session, actor, meeting_id)
    MEETINGS.check(row.state, MeetingState.CANCELLED)
    if not reason.strip():
        raise Required("请说明取消原因", field="reason")
    row.state, row.minutes = MeetingState.CANCELLED, f"会议取消：{reason.strip()}"
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.meeting_cancelled",
        object_type="sv_meeting",
        object_id=row.id,
        jurisdiction_code=row.jurisdiction_code,
    )
    return row
