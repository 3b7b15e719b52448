"""API of the task force's working mechanism (under ``/api/v1/supervision``): the joint meeting
and working groups with their seats and task lists. Every mutation runs once per
Idempotency-Key, inside the caller's jurisdiction, and is audited by its service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from huanxin.core.actor import Actor
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.mechanism_schemas import (
    BodyCreate,
    BodyRead,
    BodyTaskAdd,
    SeatChange,
    SeatCreate,
    TaskBrief,
)
from huanxin.supervision.service import bodies
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond

router = APIRouter()
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("supervision:read"))]
Writer = Annotated[Actor, Depends(require("supervision:write"))]


def once(
    session: DbSession, actor: Actor, key: str | None, scope: str, payload: object,
    make: Callable[[], BaseModel | list[Any]], status: int = 200,
) -> JSONResponse:  # fmt: skip
    """Run ``make`` once per Idempotency-Key and answer with its JSON (stored for replays)."""

    def action() -> tuple[int, object]:
        made = make()
        if isinstance(made, list):
            return status, [m.model_dump(mode="json") for m in made]
        return status, made.model_dump(mode="json")

    return respond(session, actor, key=key, scope=scope, payload=payload, action=action)


def dump(body: BaseModel, **extra: object) -> dict[str, object]:
    return {**body.model_dump(mode="json"), **extra}


@router.get("/bodies", response_model=list[BodyRead])
def list_bodies(actor: Reader, session: DbSession) -> list[BodyRead]:
    return [views.body_read(session, b) for b in bodies.list_bodies(session, actor)]


@router.post("/bodies", status_code=201, response_model=BodyRead)
def create_body(
    body: BodyCreate, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def make() -> BodyRead:
        return views.body_read(session, bodies.create_body(session, actor, **body.model_dump()))

    return once(session, actor, idempotency_key, "supervision.body", dump(body), make, 201)


@router.get("/bodies/{body_id}", response_model=BodyRead)
def show_body(body_id: int, actor: Reader, session: DbSession) -> BodyRead:
    return views.body_read(session, bodies.get_body(session, actor, body_id))


@router.post("/bodies/{body_id}/seats", status_code=201, response_model=BodyRead)
def add_seat(
    body_id: int, body: SeatCreate, actor: Writer, session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:  # fmt: skip
    def make() -> BodyRead:
        bodies.add_seat(session, actor, body_id, **body.model_dump())
        return views.body_read(session, bodies.get_body(session, actor, body_id))

    payload = dump(body, body_id=body_id)
    return once(session, actor, idempotency_key, "supervision.seat", payload, make, 201)


@router.post("/seats/{seat_id}/change", response_model=BodyRead)
def change_seat(
    seat_id: int, body: SeatChange, actor: Reader, session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:  # fmt: skip
    """The office, or the unit itself reporting its own change (checked by the service)."""

    def make() -> BodyRead:
        seat = bodies.seat_body(session, actor, seat_id)
        bodies.change_seat(session, actor, seat_id, **body.model_dump())
        return views.body_read(session, seat)

    payload = dump(body, seat_id=seat_id)
    return once(session, actor, idempotency_key, "supervision.seat_change", payload, make)


@router.get("/bodies/{body_id}/tasks", response_model=list[TaskBrief])
def body_tasks(body_id: int, actor: Reader, session: DbSession) -> list[TaskBrief]:
    return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))


@router.post("/bodies/{body_id}/tasks", response_model=list[TaskBrief])
def add_body_task(
    body_id: int, body: BodyTaskAdd, actor: Writer, session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:  # fmt: skip
    def make() -> list[TaskBrief]:
        bodies.add_task(session, actor, body_id, task_id=body.task_id)
        return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))

    payload = dump(body, body_id=body_id)
    return once(session, actor, idempotency_key, "supervision.body_task", payload, make)
