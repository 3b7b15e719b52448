"""Matters needing support from higher levels (需国家、省级层面支持事项): a department proposes
one (the office reviews it and sends it up or declines it), or the office enters one as sent;
the answer is recorded, then the matter is closed. Open ones appear on every meeting's agenda."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import PermissionDenied, Required, UnrelatedReference
from huanxin.supervision.mechanism_models import Escalation
from huanxin.supervision.service import departments
from huanxin.supervision.service.common import actor_department, in_scope
from huanxin.supervision.states import ESCALATIONS, OPEN_ESCALATIONS, EscalationState
from huanxin.supervision.vocab import EscalationLevel, parse


def get(session: Session, actor: Actor, escalation_id: int) -> Escalation:
    row = session.get(Escalation, escalation_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "事项不存在")


def readable(session: Session, actor: Actor) -> Select[Escalation]:
    """The matters of the actor's scope; a department's own proposals only."""
    stmt = select(Escalation).where(Escalation.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "department":
        dept = actor_department(session, actor)
        stmt = stmt.where(Escalation.department_id == (dept.id if dept else 0))
    return stmt


def list_for(session: Session, actor: Actor, *, open_only: bool = False) -> list[Escalation]:
    stmt = readable(session, actor)
    if open_only:
        stmt = stmt.where(Escalation.state.in_(OPEN_ESCALATIONS))
    return list(session.scalars(stmt.order_by(Escalation.id)))


def open_in(session: Session, code: str) -> list[Escalation]:
    """Open matters of one jurisdiction (for meeting agendas and reports)."""
    stmt = select(Escalation).where(
        Escalation.jurisdiction_code == code, Escalation.state.in_(OPEN_ESCALATIONS)
    )
    return list(session.scalars(stmt.order_by(Escalation.id)))


def raise_matter(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    title: str,
    ask: str,
    level: str,
    addressee: str,
    department_id: int | None = None,
) -> Escalation:
    """A department proposes (state proposed, its own unit); the office sends it directly
    (state submitted, today), naming the unit it concerns if any."""
    in_scope(actor, jurisdiction_code)
    office = actor.can("supervision:write")
    dept = _unit(session, actor, jurisdiction_code, department_id, office)
    if not title.strip() or not ask.strip():
        field = "title" if not title.strip() else "ask"
        raise Required("请写明事项名称和请求支持的内容", field=field)
    if not addressee.strip():
        raise Required("请写明向谁请求支持（如 省商务厅）", field="addressee")
    state = EscalationState.SUBMITTED if office else EscalationState.PROPOSED
    row = Escalation(
        jurisdiction_code=jurisdiction_code,
        title=title.strip(),
        ask=ask.strip(),
        level=parse(EscalationLevel, level, field="level", what="请求层级"),
        addressee=addressee.strip(),
        department_id=dept,
        state=state,
        submitted_on=today_cn() if office else None,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.escalation_raised",
        object_type="sv_escalation",
        object_id=row.id,
        after={"state": state, "level": level},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def _unit(
    session: Session, actor: Actor, code: str, dept_id: int | None, office: bool
) -> int | None:
    if not office:
        own = actor_department(session, actor)
        if own is None or actor.role != "department":
            raise PermissionDenied("只有部门或专班办公室可以提出需上级支持事项")
        return own.id
    if dept_id is None:
        return None
    dept = departments.get(session, actor, dept_id)
    if dept.jurisdiction_code != code:
        raise UnrelatedReference("所选单位不在本级部门目录中", field="department_id")
    return dept.id


def review(
    session: Session,
    actor: Actor,
    escalation_id: int,
    *,
    send: bool,
    note: str = "",
    on: date | None = None,
) -> Escalation:
    """The office sends a department's proposal up, or declines it with a reason."""
    row = get(session, actor, escalation_id)
    to = EscalationState.SUBMITTED if send else EscalationState.DECLINED
    ESCALATIONS.check(row.state, to)
    if not send and not note.strip():
        raise Required("不予报送须说明理由", field="note")
    return _move(
        session,
        actor,
        row,
        to,
        submitted_on=(on or today_cn()) if send else None,
        closed_note=note.strip(),
    )


def answer(
    session: Session, actor: Actor, escalation_id: int, *, answer: str, on: date | None = None
) -> Escalation:
    row = get(session, actor, escalation_id)
    ESCALATIONS.check(row.state, EscalationState.ANSWERED)
    if not answer.strip():
        raise Required("请填写上级答复内容", field="answer")
    return _move(
        session,
        actor,
        row,
        EscalationState.ANSWERED,
        answer=answer.strip(),
        answered_on=on or today_cn(),
    )


def close(session: Session, actor: Actor, escalation_id: int, *, note: str) -> Escalation:
    row = get(session, actor, escalation_id)
    ESCALATIONS.check(row.state, EscalationState.CLOSED)
    return _move(session, actor, row, EscalationState.CLOSED, closed_note=note.strip())


def _move(session: Session, actor: Actor, row: Escalation, to: str, **values: object) -> Escalation:
    before = row.state
    for name, value in values.items():
        setattr(row, name, value)
    row.state = to
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.escalation_moved",
        object_type="sv_escalation",
        object_id=row.id,
        before={"state": before},
        after={"state": to},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row
