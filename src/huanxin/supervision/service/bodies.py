"""The joint meeting (联席会议) and its working groups (工作小组): the bodies, the dated seats of
their convener, deputies, member units and liaisons, membership changes (a change ends the old
seat and opens a new one), and each working group's own task list over the ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import (
    NotUnique,
    OutOfRange,
    PermissionDenied,
    Required,
    UnrelatedReference,
)
from huanxin.supervision.errors import GroupNeedsMeeting, NotAMember, SeatNotCurrent
from huanxin.supervision.mechanism_models import Body, BodyTask, Seat
from huanxin.supervision.models import Department, Task
from huanxin.supervision.service import departments, ledger
from huanxin.supervision.service.common import actor_department, in_scope
from huanxin.supervision.vocab import BodyKind, SeatRole, parse


def get_body(session: Session, actor: Actor, body_id: int) -> Body:
    row = session.get(Body, body_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "议事机构不存在")


def list_bodies(session: Session, actor: Actor) -> list[Body]:
    stmt = select(Body).where(Body.jurisdiction_code.in_(actor.scope_codes))
    return list(session.scalars(stmt.order_by(Body.jurisdiction_code, Body.kind, Body.id)))


def body_department(
    session: Session, actor: Actor, body: Body, dept_id: int | None, field: str = "department_id"
) -> Department:
    """A department of the body's own jurisdiction (refused by the field's name otherwise)."""
    dept = session.get(Department, dept_id) if dept_id else None
    if dept is None or dept.jurisdiction_code != body.jurisdiction_code:
        raise NotAMember("所选单位不在本级部门目录中", field=field)
    return departments.get(session, actor, dept.id)


def create_body(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    kind: str,
    name: str,
    parent_id: int | None = None,
    lead_department_id: int | None = None,
    duties: str = "",
) -> Body:
    in_scope(actor, jurisdiction_code)
    name = name.strip()
    if not name:
        raise Required("名称不能为空", field="name")
    if _named(session, jurisdiction_code, name):
        raise NotUnique(f"本级已有名为“{name}”的议事机构", field="name")
    kind = parse(BodyKind, kind, field="kind", what="机构类型")
    body = Body(
        jurisdiction_code=jurisdiction_code,
        kind=kind,
        name=name,
        duties=duties.strip(),
        created_at=utcnow(),
    )
    if kind == BodyKind.WORKING_GROUP:
        parent = get_body(session, actor, parent_id or 0) if parent_id else None
        if parent is None or parent.kind != BodyKind.JOINT_MEETING:
            raise GroupNeedsMeeting("工作小组须隶属于一个联席会议", field="parent_id")
        body.parent_id = parent.id
        body.lead_department_id = body_department(
            session, actor, body, lead_department_id, "lead_department_id"
        ).id
    session.add(body)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.body_created",
        object_type="sv_body",
        object_id=body.id,
        after={"kind": kind, "name": name},
        jurisdiction_code=jurisdiction_code,
    )
    return body


def _named(session: Session, code: str, name: str) -> bool:
    stmt = select(Body.id).where(Body.jurisdiction_code == code, Body.name == name)
    return session.scalars(stmt).first() is not None


def add_seat(
    session: Session,
    actor: Actor,
    body_id: int,
    *,
    department_id: int,
    role: str,
    person_name: str,
    post: str = "",
    start_on: date | None = None,
) -> Seat:
    body = get_body(session, actor, body_id)
    dept = body_department(session, actor, body, department_id)
    person = _person(person_name)
    seat = Seat(
        body_id=body.id,
        department_id=dept.id,
        role=parse(SeatRole, role, field="role", what="席位"),
        person_name=person,
        post=post.strip(),
        start_on=start_on or today_cn(),
        reported_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(seat)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.seat_added",
        object_type="sv_seat",
        object_id=seat.id,
        after={"body": body.id, "department": dept.id, "role": role},
        jurisdiction_code=body.jurisdiction_code,
    )
    return seat


def _person(name: str) -> str:
    person = name.strip()
    if not person:
        raise Required("人员姓名不能为空", field="person_name")
    return person


def change_seat(
    session: Session,
    actor: Actor,
    seat_id: int,
    *,
    person_name: str | None,
    post: str,
    on: date,
    note: str,
) -> Seat | None:
    """A unit reports who now sits for it (``person_name``) or that it leaves (None): the
    current seat ends on ``on``; the office or the unit itself may report it."""
    seat, body = _current_seat(session, actor, seat_id)
    if on < seat.start_on:
        raise OutOfRange("变更日期不能早于原任职起始日期", field="on")
    seat.end_on, seat.change_note = on, note.strip()
    new = None
    if person_name is not None:
        new = Seat(
            body_id=seat.body_id,
            department_id=seat.department_id,
            role=seat.role,
            person_name=_person(person_name),
            post=post.strip(),
            start_on=on,
            change_note=note.strip(),
            reported_by=actor.user_id or None,
            created_at=utcnow(),
        )
        session.add(new)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.seat_changed",
        object_type="sv_seat",
        object_id=seat.id,
        after={"ended": on, "successor": new.id if new else None},
        jurisdiction_code=body.jurisdiction_code,
    )
    return new


def _current_seat(session: Session, actor: Actor, seat_id: int) -> tuple[Seat, Body]:
    seat = session.get(Seat, seat_id)
    body = get_body(session, actor, seat.body_id if seat else 0)
    assert seat is not None
    if seat.end_on is not None:
        raise SeatNotCurrent()
    if not actor.can("supervision:write"):
        dept = actor_department(session, actor)
        if dept is None or dept.id != seat.department_id:
            raise PermissionDenied("只能报告本单位的成员变更", field="seat_id")
    return seat, body


def seats_of(session: Session, body_id: int, *, on: date | None = None) -> list[Seat]:
    """Seats of a body; with ``on``, only those held that day."""
    stmt = select(Seat).where(Seat.body_id == body_id)
    if on is not None:
        stmt = stmt.where(Seat.start_on <= on, (Seat.end_on.is_(None)) | (Seat.end_on > on))
    return list(session.scalars(stmt.order_by(Seat.start_on, Seat.id)))


def member_ids(session: Session, body_id: int, on: date | None = None) -> set[int]:
    """Departments holding a seat on the body on ``on`` (today by default)."""
    return {s.department_id for s in seats_of(session, body_id, on=on or today_cn())}


def add_task(session: Session, actor: Actor, body_id: int, *, task_id: int) -> BodyTask:
    """Put a ledger task on a working group's own list (idempotent per task)."""
    body = get_body(session, actor, body_id)
    task = ledger.get_task(session, actor, task_id)
    if task.jurisdiction_code != body.jurisdiction_code:
        raise UnrelatedReference("任务不属于本级台账", field="task_id")
    found = session.scalars(
        select(BodyTask).where(BodyTask.body_id == body.id, BodyTask.task_id == task.id)
    ).first()
    if found:
        return found
    link = BodyTask(body_id=body.id, task_id=task.id)
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.body_task_added",
        object_type="sv_body",
        object_id=body.id,
        after={"task": task.id},
        jurisdiction_code=body.jurisdiction_code,
    )
    return link


def tasks_of(session: Session, actor: Actor, body_id: int) -> list[Task]:
    """The working group's own ledger view: the tasks on its list that the actor may see."""
    body = get_body(session, actor, body_id)
    ids = set(session.scalars(select(BodyTask.task_id).where(BodyTask.body_id == body.id)))
    return [t for t in ledger.tasks_query(session, actor) if t.id in ids]


def department_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {int(i): str(n) for i, n in rows}


def seat_body(session: Session, actor: Actor, seat_id: int) -> Body:
    seat = session.get(Seat, seat_id)
    return get_body(session, actor, seat.body_id if seat else 0)
