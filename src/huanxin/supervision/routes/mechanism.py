"""API of the task force's working mechanism (under ``/api/v1/supervision``): the joint meeting
and working groups with their seats and task lists. Every mutation runs once per
Idempotency-Key, inside the caller's jurisdiction, and is audited by its service."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from huanxin.core.actor import Actor
from huanxin.core.bounds import Day, Id, IdempotencyKey, Text
from huanxin.supervision import figures
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.errors import PdfUnavailable
from huanxin.supervision.mechanism_models import Escalation
from huanxin.supervision.mechanism_schemas import (
    AttendanceIn,
    BodyCreate,
    BodyRead,
    BodyTaskAdd,
    BulletinCreate,
    BulletinRead,
    DecisionCreate,
    EscalationAnswer,
    EscalationClose,
    EscalationCreate,
    EscalationRead,
    EscalationReview,
    FigureChoice,
    InboxItemRead,
    MeetingCancel,
    MeetingCreate,
    MeetingHold,
    MeetingRead,
    PublicItemCreate,
    PublicItemRead,
    SeatChange,
    SeatCreate,
    TaskBrief,
    TemplateRead,
    TemplateSave,
    VisitCreate,
    VisitDone,
    VisitRead,
)
from huanxin.supervision.service import (
    bodies,
    bulletins,
    escalations,
    inbox,
    meetings,
    minutes,
    publicity,
    visits,
)
from huanxin.supervision.service.files import Upload
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond
from huanxin.web.kit import downloads
from huanxin.web.openapi import download

router = APIRouter()
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("supervision:read"))]
Writer = Annotated[Actor, Depends(require("supervision:write"))]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": downloads.disposition(name)}


def once(
    session: DbSession,
    actor: Actor,
    key: str | None,
    scope: str,
    payload: object,
    make: Callable[[], BaseModel | list[Any]],
    status: int = 200,
) -> JSONResponse:
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
def show_body(body_id: Id, actor: Reader, session: DbSession) -> BodyRead:
    return views.body_read(session, bodies.get_body(session, actor, body_id))


@router.post("/bodies/{body_id}/seats", status_code=201, response_model=BodyRead)
def add_seat(
    body_id: Id,
    body: SeatCreate,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def make() -> BodyRead:
        bodies.add_seat(session, actor, body_id, **body.model_dump())
        return views.body_read(session, bodies.get_body(session, actor, body_id))

    payload = dump(body, body_id=body_id)
    return once(session, actor, idempotency_key, "supervision.seat", payload, make, 201)


@router.post("/seats/{seat_id}/change", response_model=BodyRead)
def change_seat(
    seat_id: Id,
    body: SeatChange,
    actor: Reader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """The office, or the unit itself reporting its own change (checked by the service)."""

    def make() -> BodyRead:
        seat = bodies.seat_body(session, actor, seat_id)
        bodies.change_seat(session, actor, seat_id, **body.model_dump())
        return views.body_read(session, seat)

    payload = dump(body, seat_id=seat_id)
    return once(session, actor, idempotency_key, "supervision.seat_change", payload, make)


@router.get("/bodies/{body_id}/tasks", response_model=list[TaskBrief])
def body_tasks(body_id: Id, actor: Reader, session: DbSession) -> list[TaskBrief]:
    return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))


@router.post("/bodies/{body_id}/tasks", response_model=list[TaskBrief])
def add_body_task(
    body_id: Id,
    body: BodyTaskAdd,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def make() -> list[TaskBrief]:
        bodies.add_task(session, actor, body_id, task_id=body.task_id)
        return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))

    payload = dump(body, body_id=body_id)
    return once(session, actor, idempotency_key, "supervision.body_task", payload, make)


# --- meetings -----------------------------------------------------------------------------


@router.get("/meetings", response_model=list[MeetingRead])
def list_meetings(actor: Reader, session: DbSession) -> list[MeetingRead]:
    return [views.meeting_read(session, m) for m in meetings.list_for(session, actor)]


@router.post("/meetings", status_code=201, response_model=MeetingRead)
def schedule_meeting(
    body: MeetingCreate, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def make() -> MeetingRead:
        return views.meeting_read(session, meetings.schedule(session, actor, **body.model_dump()))

    return once(session, actor, idempotency_key, "supervision.meeting", dump(body), make, 201)


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
def show_meeting(meeting_id: Id, actor: Reader, session: DbSession) -> MeetingRead:
    return views.meeting_read(session, meetings.get(session, actor, meeting_id))


def _meeting_step(
    session: DbSession,
    actor: Actor,
    key: str | None,
    scope: str,
    meeting_id: int,
    body: BaseModel,
    change: Callable[[], object],
) -> JSONResponse:
    def make() -> MeetingRead:
        change()
        return views.meeting_read(session, meetings.get(session, actor, meeting_id))

    return once(session, actor, key, scope, dump(body, meeting_id=meeting_id), make)


@router.post("/meetings/{meeting_id}/attendance", response_model=MeetingRead)
def meeting_attendance(
    meeting_id: Id,
    body: AttendanceIn,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    entries = [(e.department_id, e.person_name, e.present) for e in body.entries]
    return _meeting_step(
        session,
        actor,
        idempotency_key,
        "supervision.attendance",
        meeting_id,
        body,
        lambda: meetings.record_attendance(session, actor, meeting_id, entries=entries),
    )


@router.post("/meetings/{meeting_id}/decisions", response_model=MeetingRead)
def meeting_decision(
    meeting_id: Id,
    body: DecisionCreate,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _meeting_step(
        session,
        actor,
        idempotency_key,
        "supervision.decision",
        meeting_id,
        body,
        lambda: meetings.decide(session, actor, meeting_id, **body.model_dump()),
    )


@router.post("/meetings/{meeting_id}/hold", response_model=MeetingRead)
def meeting_hold(
    meeting_id: Id,
    body: MeetingHold,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _meeting_step(
        session,
        actor,
        idempotency_key,
        "supervision.meeting_hold",
        meeting_id,
        body,
        lambda: meetings.hold(session, actor, meeting_id, minutes=body.minutes),
    )


@router.post("/meetings/{meeting_id}/cancel", response_model=MeetingRead)
def meeting_cancel(
    meeting_id: Id,
    body: MeetingCancel,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _meeting_step(
        session,
        actor,
        idempotency_key,
        "supervision.meeting_cancel",
        meeting_id,
        body,
        lambda: meetings.cancel(session, actor, meeting_id, reason=body.reason),
    )


@router.get(
    "/meetings/{meeting_id}/minutes.docx", response_class=Response, responses=download(DOCX)
)
def meeting_minutes(meeting_id: Id, actor: Reader, session: DbSession) -> Response:
    row = meetings.get(session, actor, meeting_id)
    data = minutes.minutes_docx(session, row)
    return Response(data, media_type=DOCX, headers=disposition(f"{row.title}纪要.docx"))


# --- escalations --------------------------------------------------------------------------


@router.get("/escalations", response_model=list[EscalationRead])
def list_escalations(
    actor: Reader, session: DbSession, open_only: bool = False
) -> list[EscalationRead]:
    rows = escalations.list_for(session, actor, open_only=open_only)
    return [views.escalation_read(session, e) for e in rows]


@router.post("/escalations", status_code=201, response_model=EscalationRead)
def raise_escalation(
    body: EscalationCreate, actor: Reader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    """The office (sent at once) or a department (a proposal the office reviews)."""

    def make() -> EscalationRead:
        row = escalations.raise_matter(session, actor, **body.model_dump())
        return views.escalation_read(session, row)

    return once(session, actor, idempotency_key, "supervision.escalation", dump(body), make, 201)


def _escalation_step(
    session: DbSession,
    actor: Actor,
    key: str | None,
    scope: str,
    escalation_id: int,
    body: BaseModel,
    change: Callable[[], Escalation],
) -> JSONResponse:
    def make() -> EscalationRead:
        return views.escalation_read(session, change())

    return once(session, actor, key, scope, dump(body, escalation_id=escalation_id), make)


@router.post("/escalations/{escalation_id}/review", response_model=EscalationRead)
def review_escalation(
    escalation_id: Id,
    body: EscalationReview,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _escalation_step(
        session,
        actor,
        idempotency_key,
        "supervision.escalation_review",
        escalation_id,
        body,
        lambda: escalations.review(session, actor, escalation_id, **body.model_dump()),
    )


@router.post("/escalations/{escalation_id}/answer", response_model=EscalationRead)
def answer_escalation(
    escalation_id: Id,
    body: EscalationAnswer,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _escalation_step(
        session,
        actor,
        idempotency_key,
        "supervision.escalation_answer",
        escalation_id,
        body,
        lambda: escalations.answer(session, actor, escalation_id, **body.model_dump()),
    )


@router.post("/escalations/{escalation_id}/close", response_model=EscalationRead)
def close_escalation(
    escalation_id: Id,
    body: EscalationClose,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _escalation_step(
        session,
        actor,
        idempotency_key,
        "supervision.escalation_close",
        escalation_id,
        body,
        lambda: escalations.close(session, actor, escalation_id, note=body.note),
    )


# --- visits and findings ------------------------------------------------------------------


@router.get("/visits", response_model=list[VisitRead])
def list_visits(actor: Reader, session: DbSession) -> list[VisitRead]:
    return [views.visit_read(session, v) for v in visits.list_for(session, actor)]


@router.post("/visits", status_code=201, response_model=VisitRead)
def plan_visit(
    body: VisitCreate, actor: Reader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    """The office, or a department planning a visit it leads (checked by the service)."""

    def make() -> VisitRead:
        return views.visit_read(session, visits.plan_visit(session, actor, **body.model_dump()))

    return once(session, actor, idempotency_key, "supervision.visit", dump(body), make, 201)


@router.get("/visits/{visit_id}", response_model=VisitRead)
def show_visit(visit_id: Id, actor: Reader, session: DbSession) -> VisitRead:
    return views.visit_read(session, visits.get(session, actor, visit_id))


@router.post("/visits/{visit_id}/done", response_model=VisitRead)
def visit_done(
    visit_id: Id,
    body: VisitDone,
    actor: Reader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def make() -> VisitRead:
        return views.visit_read(
            session, visits.carry_out(session, actor, visit_id, **body.model_dump())
        )

    payload = dump(body, visit_id=visit_id)
    return once(session, actor, idempotency_key, "supervision.visit_done", payload, make)


@router.post("/visits/{visit_id}/findings", status_code=201, response_model=VisitRead)
async def add_finding(
    visit_id: Id,
    actor: Reader,
    session: DbSession,
    text: Annotated[Text, Form(title="发现的问题", min_length=1, max_length=2000)],
    department_id: Annotated[Id | None, Form(title="整改责任单位")] = None,
    deadline: Annotated[Day | None, Form(title="整改时限")] = None,
    files: Annotated[list[UploadFile] | None, File(title="照片或材料")] = None,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """A finding with photos or files; it becomes a rectification task of the unit."""
    items = [Upload(f.filename or "", await f.read()) for f in files or []]

    def make() -> VisitRead:
        visits.add_finding(
            session,
            actor,
            visit_id,
            text=text,
            department_id=department_id,
            deadline=deadline,
            uploads=items,
        )
        return views.visit_read(session, visits.get(session, actor, visit_id))

    payload = {
        "visit_id": visit_id,
        "text": text,
        "department_id": department_id,
        "deadline": deadline.isoformat() if deadline else None,
        "files": [f"{u.filename}:{hashlib.sha256(u.content).hexdigest()}" for u in items],
    }
    return once(session, actor, idempotency_key, "supervision.finding", payload, make, 201)


@router.get("/files/{file_id}", response_class=Response, responses=download("*/*"))
def download_file(file_id: Id, actor: Reader, session: DbSession) -> Response:
    row = visits.get_file(session, actor, file_id)
    return Response(row.content, media_type=row.content_type, headers=disposition(row.filename))


# --- report templates and reports ---------------------------------------------------------


@router.get("/report-figures", response_model=list[FigureChoice])
def report_figures(actor: Reader) -> list[FigureChoice]:
    return [FigureChoice(key=k, label=v) for k, v in figures.choices()]


@router.get("/report-templates", response_model=list[TemplateRead])
def list_templates(actor: Reader, session: DbSession) -> list[TemplateRead]:
    return [views.template_read(t) for t in bulletins.templates_for(session, actor)]


def _save_template(
    session: DbSession,
    actor: Actor,
    body: TemplateSave,
    key: str | None,
    template_id: int | None,
    status: int,
) -> JSONResponse:
    def make() -> TemplateRead:
        row = bulletins.save_template(
            session,
            actor,
            jurisdiction_code=body.jurisdiction_code,
            kind=body.kind,
            name=body.name,
            opening=body.opening,
            figure_keys=body.figures,
            recipients=body.recipients,
            template_id=template_id,
        )
        return views.template_read(row)

    payload = dump(body, template_id=template_id)
    return once(session, actor, key, "supervision.report_template", payload, make, status)


@router.post("/report-templates", status_code=201, response_model=TemplateRead)
def create_template(
    body: TemplateSave, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    return _save_template(session, actor, body, idempotency_key, None, 201)


@router.post("/report-templates/{template_id}", response_model=TemplateRead)
def update_template(
    template_id: Id,
    body: TemplateSave,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    return _save_template(session, actor, body, idempotency_key, template_id, 200)


@router.post("/bulletins", status_code=201, response_model=BulletinRead)
def generate_bulletin(
    body: BulletinCreate, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def make() -> BulletinRead:
        row = bulletins.generate(session, actor, **body.model_dump())
        return views.bulletin_read(session, row)

    return once(session, actor, idempotency_key, "supervision.bulletin", dump(body), make, 201)


@router.get("/bulletins", response_model=list[BulletinRead])
def list_bulletins(actor: Reader, session: DbSession) -> list[BulletinRead]:
    return [views.bulletin_read(session, b) for b in bulletins.list_for(session, actor)]


@router.get("/bulletins/{bulletin_id}.docx", response_class=Response, responses=download(DOCX))
def bulletin_docx(bulletin_id: Id, actor: Reader, session: DbSession) -> Response:
    row = bulletins.get(session, actor, bulletin_id)
    bulletins.mark_read(session, actor, row)
    name = f"{row.title}第{row.issue_no}期.docx"
    return Response(row.docx, media_type=DOCX, headers=disposition(name))


@router.get(
    "/bulletins/{bulletin_id}.pdf", response_class=Response, responses=download("application/pdf")
)
def bulletin_pdf(bulletin_id: Id, actor: Reader, session: DbSession) -> Response:
    row = bulletins.get(session, actor, bulletin_id)
    pdf, reason = bulletins.pdf_of(session, row)
    if pdf is None:
        raise PdfUnavailable(reason, field="format")
    bulletins.mark_read(session, actor, row)
    name = f"{row.title}第{row.issue_no}期.pdf"
    return Response(pdf, media_type="application/pdf", headers=disposition(name))


# --- public content -----------------------------------------------------------------------


@router.get("/public-items", response_model=list[PublicItemRead])
def list_public_items(actor: Reader, session: DbSession) -> list[PublicItemRead]:
    return [views.public_item_read(i) for i in publicity.items_for(session, actor)]


@router.post("/public-items", status_code=201, response_model=PublicItemRead)
def publish_item(
    body: PublicItemCreate, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def make() -> PublicItemRead:
        return views.public_item_read(publicity.publish(session, actor, **body.model_dump()))

    return once(session, actor, idempotency_key, "supervision.public_item", dump(body), make, 201)


@router.post("/public-items/{item_id}/withdraw", response_model=PublicItemRead)
def withdraw_item(
    item_id: Id, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def make() -> PublicItemRead:
        return views.public_item_read(publicity.withdraw(session, actor, item_id))

    return once(
        session, actor, idempotency_key, "supervision.public_withdraw", {"item_id": item_id}, make
    )


# Declared after the .docx/.pdf routes: "{bulletin_id}" would otherwise swallow "5.docx".
@router.get("/bulletins/{bulletin_id}", response_model=BulletinRead)
def show_bulletin(bulletin_id: Id, actor: Reader, session: DbSession) -> BulletinRead:
    return views.bulletin_read(session, bulletins.get(session, actor, bulletin_id))


@router.get("/inbox", response_model=list[InboxItemRead])
def my_inbox(actor: Reader, session: DbSession) -> list[InboxItemRead]:
    """What the caller's unit (or the office) must do now."""
    return [
        InboxItemRead(kind_label=inbox.KIND_LABELS[i.kind], **i.__dict__)
        for i in inbox.items_for(session, actor)
    ]
