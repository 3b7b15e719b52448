"""Pages of the joint meeting and working groups: the list of bodies, a body with its seats
and their history, membership changes, and a working group's own task list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id
from huanxin.core.clock import today_cn
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.pages.kit import Reader, Text, Writer, day, number, page
from huanxin.supervision.service import bodies, departments, ledger
from huanxin.supervision.service.common import actor_department
from huanxin.supervision.vocab import BodyKind, SeatRole, choices
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit

router = APIRouter(include_in_schema=False)


def _list_context(session: Session, actor: Actor) -> dict[str, Any]:
    rows = [views.body_read(session, b) for b in bodies.list_bodies(session, actor)]
    return {
        "rows": rows,
        "kinds": choices(BodyKind),
        "places": jurisdictions.list_within(session, actor.scope_codes),
        "departments": departments.list_for(session, actor),
    }


@router.get("/supervision/bodies")
def bodies_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return page(request, "supervision/bodies.html", form={}, **_list_context(session, actor))


@router.post("/supervision/bodies")
def bodies_create(
    request: Request,
    session: DbSession,
    actor: Writer,
    jurisdiction_code: Text = "",
    kind: Text = "",
    name: Text = "",
    parent_id: Text = "",
    lead_department_id: Text = "",
    duties: Text = "",
) -> Response:
    form = {
        "jurisdiction_code": jurisdiction_code,
        "kind": kind,
        "name": name,
        "parent_id": parent_id,
        "lead_department_id": lead_department_id,
        "duties": duties,
    }

    def change() -> str:
        body = bodies.create_body(
            session,
            actor,
            jurisdiction_code=jurisdiction_code,
            kind=kind,
            name=name,
            parent_id=number(parent_id, "parent_id", "所属联席会议"),
            lead_department_id=number(lead_department_id, "lead_department_id", "组长单位"),
            duties=duties,
        )
        return f"/supervision/bodies/{body.id}"

    def again(exc: kit.PageError) -> HTMLResponse:
        context = _list_context(session, actor)
        return page(request, "supervision/bodies.html", exc, form=form, **context)

    return kit.submit(request, session, change, again)


def _body_context(session: Session, actor: Actor, body_id: int) -> dict[str, Any]:
    body = bodies.get_body(session, actor, body_id)
    read = views.body_read(session, body)
    mine = bodies.tasks_of(session, actor, body.id)
    listed = {t.id for t in mine}
    return {
        "body": read,
        "today": today_cn(),
        "roles": choices(SeatRole),
        "current": [s for s in read.seats if s.end_on is None],
        "history": [s for s in read.seats if s.end_on is not None],
        "departments": departments.list_for(session, actor, body.jurisdiction_code),
        "tasks": views.task_briefs(session, mine),
        "candidates": [
            t
            for t in ledger.tasks_query(session, actor)
            if t.jurisdiction_code == body.jurisdiction_code and t.id not in listed
        ],
        "own_department": _own(session, actor),
    }


def _own(session: Session, actor: Actor) -> int | None:
    dept = actor_department(session, actor)
    return dept.id if dept else None


def _body_page(
    request: Request, session: Session, actor: Actor, body_id: int, exc: kit.PageError | None = None
) -> HTMLResponse:
    return page(
        request,
        "supervision/body.html",
        exc,
        **_body_context(session, actor, body_id),
    )


@router.get("/supervision/bodies/{body_id}")
def body_page(body_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _body_page(request, session, actor, body_id)


@router.post("/supervision/bodies/{body_id}/seats")
def seat_create(
    body_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    department_id: Text = "",
    role: Text = "",
    person_name: Text = "",
    post: Text = "",
    start_on: Text = "",
) -> Response:
    def change() -> str:
        bodies.add_seat(
            session,
            actor,
            body_id,
            department_id=number(department_id, "department_id", "成员单位") or 0,
            role=role,
            person_name=person_name,
            post=post,
            start_on=day(start_on, "start_on", "任职起始日期"),
        )
        return f"/supervision/bodies/{body_id}"

    return kit.submit(
        request, session, change, lambda e: _body_page(request, session, actor, body_id, e)
    )


@router.post("/supervision/bodies/{body_id}/seats/{seat_id}/change")
def seat_change(
    body_id: Id,
    seat_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    person_name: Text = "",
    post: Text = "",
    on: Text = "",
    note: Text = "",
) -> Response:
    def change() -> str:
        bodies.change_seat(
            session,
            actor,
            seat_id,
            person_name=person_name or None,
            post=post,
            on=day(on, "on", "变更日期", required=True) or today_cn(),
            note=note,
        )
        return f"/supervision/bodies/{body_id}"

    return kit.submit(
        request, session, change, lambda e: _body_page(request, session, actor, body_id, e)
    )


@router.post("/supervision/bodies/{body_id}/tasks")
def body_task_add(
    body_id: Id, request: Request, session: DbSession, actor: Writer, task_id: Text = ""
) -> Response:
    def change() -> str:
        bodies.add_task(
            session, actor, body_id, task_id=number(task_id, "task_id", "台账任务") or 0
        )
        return f"/supervision/bodies/{body_id}"

    return kit.submit(
        request, session, change, lambda e: _body_page(request, session, actor, body_id, e)
    )
