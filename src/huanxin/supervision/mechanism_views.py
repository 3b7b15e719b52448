"""Answers of the working mechanism (API schemas) built from its rows, shared by the API
and the pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.supervision.lifecycles import label
from huanxin.supervision.mechanism_models import Body, Seat
from huanxin.supervision.mechanism_schemas import BodyRead, SeatRead, TaskBrief
from huanxin.supervision.models import Task
from huanxin.supervision.service import bodies, ledger


def seat_read(seat: Seat, names: dict[int, str]) -> SeatRead:
    return SeatRead(
        id=seat.id,
        department_id=seat.department_id,
        department=names.get(seat.department_id, ""),
        role=seat.role,
        role_label=label(seat.role),
        person_name=seat.person_name,
        post=seat.post,
        start_on=seat.start_on,
        end_on=seat.end_on,
        change_note=seat.change_note,
    )


def body_read(session: Session, body: Body) -> BodyRead:
    seats = bodies.seats_of(session, body.id)
    ids = {s.department_id for s in seats} | {body.lead_department_id or 0}
    names = bodies.department_names(session, ids)
    return BodyRead(
        id=body.id,
        jurisdiction_code=body.jurisdiction_code,
        kind=body.kind,
        kind_label=label(body.kind),
        name=body.name,
        parent_id=body.parent_id,
        lead_department_id=body.lead_department_id,
        lead_department=names.get(body.lead_department_id or 0),
        duties=body.duties,
        seats=[seat_read(s, names) for s in seats],
    )


def task_briefs(session: Session, tasks: list[Task]) -> list[TaskBrief]:
    return [
        TaskBrief(
            id=r.task.id,
            ref=r.task.ref,
            title=r.task.title,
            deadline=r.task.deadline,
            status=r.status,
            status_label=r.status_label,
            lead_units=r.lead,
        )
        for r in ledger.rows_for(session, tasks)
    ]
