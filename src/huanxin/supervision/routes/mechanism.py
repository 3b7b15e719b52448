"""API of the task force's working mechanism (under ``/api/v1/supervision``): the joint meeting
and working groups with their seats and task lists. Every mutation runs once per
Idempotency-Key, inside the caller's jurisdiction, and is audited by its service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from huanxin.core.actor import Actor
from huanxin.core.bounds import Day, Id, Text
from huanxin.supervision import figures
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.errors import PdfUnavailable
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
from huanxin.supervision.routes.common import (
    DOCX,
    PREFIX,
    Reader,
    Writer,
    disposition,
    fingerprint,
    transition,
    uploads_of,
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
from huanxin.web.deps import DbSession
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import download

router = APIRouter(prefix=PREFIX)


@router.get("/bodies")
def list_bodies(actor: Reader, session: DbSession, paged: Paged) -> list[BodyRead]:
    return [views.body_read(session, b) for b in paged.slice(bodies.list_bodies(session, actor))]


@router.post("/bodies", status_code=201)
@idempotent("supervision.body")
def create_body(body: BodyCreate, actor: Writer, session: DbSession) -> BodyRead:
    return views.body_read(session, bodies.create_body(session, actor, **body.model_dump()))


@router.get("/bodies/{body_id}")
def show_body(body_id: Id, actor: Reader, session: DbSession) -> BodyRead:
    return views.body_read(session, bodies.get_body(session, actor, body_id))


@router.post("/bodies/{body_id}/seats", status_code=201)
@idempotent("supervision.seat.{body_id}")
def add_seat(body_id: Id, body: SeatCreate, actor: Writer, session: DbSession) -> BodyRead:
    bodies.add_seat(session, actor, body_id, **body.model_dump())
    return views.body_read(session, bodies.get_body(session, actor, body_id))


@router.post("/seats/{seat_id}/change")
@idempotent("supervision.seat_change.{seat_id}")
def change_seat(seat_id: Id, body: SeatChange, actor: Reader, session: DbSession) -> BodyRead:
    """The office, or the unit itself reporting its own change (checked by the service)."""
    seat = bodies.seat_body(session, actor, seat_id)
    bodies.change_seat(session, actor, seat_id, **body.model_dump())
    return views.body_read(session, seat)


@router.get("/bodies/{body_id}/tasks")
def body_tasks(body_id: Id, actor: Reader, session: DbSession) -> list[TaskBrief]:
    return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))


@router.post("/bodies/{body_id}/tasks")
@idempotent("supervision.body_task.{body_id}")
def add_body_task(
    body_id: Id, body: BodyTaskAdd, actor: Writer, session: DbSession
) -> list[TaskBrief]:
    bodies.add_task(session, actor, body_id, task_id=body.task_id)
    return views.task_briefs(session, bodies.tasks_of(session, actor, body_id))


# --- meetings -----------------------------------------------------------------------------


@router.get("/meetings")
def list_meetings(actor: Reader, session: DbSession, paged: Paged) -> list[MeetingRead]:
    return [views.meeting_read(session, m) for m in paged.slice(meetings.list_for(session, actor))]


@router.post("/meetings", status_code=201)
@idempotent("supervision.meeting")
def schedule_meeting(body: MeetingCreate, actor: Writer, session: DbSession) -> MeetingRead:
    return views.meeting_read(session, meetings.schedule(session, actor, **body.model_dump()))


@router.get("/meetings/{meeting_id}")
def show_meeting(meeting_id: Id, actor: Reader, session: DbSession) -> MeetingRead:
    return views.meeting_read(session, meetings.get(session, actor, meeting_id))


@router.post("/meetings/{meeting_id}/attendance")
@idempotent("supervision.attendance.{meeting_id}")
def meeting_attendance(
    meeting_id: Id, body: AttendanceIn, actor: Writer, session: DbSession
) -> MeetingRead:
    entries = [(e.department_id, e.person_name, e.present) for e in body.entries]
    meetings.record_attendance(session, actor, meeting_id, entries=entries)
    return views.meeting_read(session, meetings.get(session, actor, meeting_id))


@router.post("/meetings/{meeting_id}/decisions")
@idempotent("supervision.decision.{meeting_id}")
def meeting_decision(
    meeting_id: Id, body: DecisionCreate, actor: Writer, session: DbSession
) -> MeetingRead:
    meetings.decide(session, actor, meeting_id, **body.model_dump())
    return views.meeting_read(session, meetings.get(session, actor, meeting_id))


transition(
    router,
    "/meetings/{meeting_id}/hold",
    name="meeting_hold",
    scope="supervision.meeting_hold.{meeting_id}",
    permission=Writer,
    body=MeetingHold,
    answer=MeetingRead,
    act=meetings.hold,
    view=views.meeting_read,
)
transition(
    router,
    "/meetings/{meeting_id}/cancel",
    name="meeting_cancel",
    scope="supervision.meeting_cancel.{meeting_id}",
    permission=Writer,
    body=MeetingCancel,
    answer=MeetingRead,
    act=meetings.cancel,
    view=views.meeting_read,
)


@router.get(
    "/meetings/{meeting_id}/minutes.docx", response_class=Response, responses=download(DOCX)
)
def meeting_minutes(meeting_id: Id, actor: Reader, session: DbSession) -> Response:
    row = meetings.get(session, actor, meeting_id)
    data = minutes.minutes_docx(session, row)
    return Response(data, media_type=DOCX, headers=disposition(f"{row.title}纪要.docx"))


# --- escalations --------------------------------------------------------------------------


@router.get("/escalations")
def list_escalations(
    actor: Reader, session: DbSession, paged: Paged, open_only: bool = False
) -> list[EscalationRead]:
    rows = paged.slice(escalations.list_for(session, actor, open_only=open_only))
    return [views.escalation_read(session, e) for e in rows]


@router.post("/escalations", status_code=201)
@idempotent("supervision.escalation")
def raise_escalation(body: EscalationCreate, actor: Reader, session: DbSession) -> EscalationRead:
    """The office (sent at once) or a department (a proposal the office reviews)."""
    row = escalations.raise_matter(session, actor, **body.model_dump())
    return views.escalation_read(session, row)


for verb, body_model, act in (
    ("review", EscalationReview, escalations.review),
    ("answer", EscalationAnswer, escalations.answer),
    ("close", EscalationClose, escalations.close),
):
    transition(
        router,
        f"/escalations/{{escalation_id}}/{verb}",
        name=f"{verb}_escalation",
        scope=f"supervision.escalation_{verb}.{{escalation_id}}",
        permission=Writer,
        body=body_model,
        answer=EscalationRead,
        act=act,
        view=views.escalation_read,
    )


# --- visits and findings ------------------------------------------------------------------


@router.get("/visits")
def list_visits(actor: Reader, session: DbSession, paged: Paged) -> list[VisitRead]:
    return [views.visit_read(session, v) for v in paged.slice(visits.list_for(session, actor))]


@router.post("/visits", status_code=201)
@idempotent("supervision.visit")
def plan_visit(body: VisitCreate, actor: Reader, session: DbSession) -> VisitRead:
    """The office, or a department planning a visit it leads (checked by the service)."""
    return views.visit_read(session, visits.plan_visit(session, actor, **body.model_dump()))


@router.get("/visits/{visit_id}")
def show_visit(visit_id: Id, actor: Reader, session: DbSession) -> VisitRead:
    return views.visit_read(session, visits.get(session, actor, visit_id))


transition(
    router,
    "/visits/{visit_id}/done",
    name="visit_done",
    scope="supervision.visit_done.{visit_id}",
    permission=Reader,  # the office, or the lead unit (checked by the service)
    body=VisitDone,
    answer=VisitRead,
    act=visits.carry_out,
    view=views.visit_read,
)


@router.post("/visits/{visit_id}/findings", status_code=201)
@idempotent(
    "supervision.finding.{visit_id}",
    payload=lambda text, department_id, deadline, files: {
        "text": text,
        "department_id": department_id,
        "deadline": deadline.isoformat() if deadline else None,
        "files": fingerprint(files),
    },
)
def add_finding(
    visit_id: Id,
    actor: Reader,
    session: DbSession,
    text: Annotated[Text, Form(title="发现的问题", min_length=1, max_length=2000)],
    department_id: Annotated[Id | None, Form(title="整改责任单位")] = None,
    deadline: Annotated[Day | None, Form(title="整改时限")] = None,
    files: Annotated[list[UploadFile] | None, File(title="照片或材料")] = None,
) -> VisitRead:
    """A finding with photos or files; it becomes a rectification task of the unit."""
    items = uploads_of(files)
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


@router.get("/files/{file_id}", response_class=Response, responses=download("*/*"))
def download_file(file_id: Id, actor: Reader, session: DbSession) -> Response:
    row = visits.get_file(session, actor, file_id)
    return Response(row.content, media_type=row.content_type, headers=disposition(row.filename))


# --- report templates and reports ---------------------------------------------------------


@router.get("/report-figures")
def report_figures(actor: Reader) -> list[FigureChoice]:
    return [FigureChoice(key=k, label=v) for k, v in figures.choices()]


@router.get("/report-templates")
def list_templates(actor: Reader, session: DbSession, paged: Paged) -> list[TemplateRead]:
    return [views.template_read(t) for t in paged.slice(bulletins.templates_for(session, actor))]


def _save_template(
    session: DbSession, actor: Actor, body: TemplateSave, template_id: int | None
) -> TemplateRead:
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


@router.post("/report-templates", status_code=201)
@idempotent("supervision.report_template")
def create_template(body: TemplateSave, actor: Writer, session: DbSession) -> TemplateRead:
    return _save_template(session, actor, body, None)


@router.post("/report-templates/{template_id}")
@idempotent("supervision.report_template.{template_id}")
def update_template(
    template_id: Id, body: TemplateSave, actor: Writer, session: DbSession
) -> TemplateRead:
    return _save_template(session, actor, body, template_id)


@router.post("/bulletins", status_code=201)
@idempotent("supervision.bulletin")
def generate_bulletin(body: BulletinCreate, actor: Writer, session: DbSession) -> BulletinRead:
    row = bulletins.generate(session, actor, **body.model_dump())
    return views.bulletin_read(session, row)


@router.get("/bulletins")
def list_bulletins(actor: Reader, session: DbSession, paged: Paged) -> list[BulletinRead]:
    return [
        views.bulletin_read(session, b) for b in paged.slice(bulletins.list_for(session, actor))
    ]


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


@router.get("/public-items")
def list_public_items(actor: Reader, session: DbSession, paged: Paged) -> list[PublicItemRead]:
    return [views.public_item_read(i) for i in paged.slice(publicity.items_for(session, actor))]


@router.post("/public-items", status_code=201)
@idempotent("supervision.public_item")
def publish_item(body: PublicItemCreate, actor: Writer, session: DbSession) -> PublicItemRead:
    return views.public_item_read(publicity.publish(session, actor, **body.model_dump()))


@router.post("/public-items/{item_id}/withdraw")
@idempotent("supervision.public_withdraw.{item_id}", payload=lambda item_id: {"item_id": item_id})
def withdraw_item(item_id: Id, actor: Writer, session: DbSession) -> PublicItemRead:
    return views.public_item_read(publicity.withdraw(session, actor, item_id))


# Declared after the .docx/.pdf routes: "{bulletin_id}" would otherwise swallow "5.docx".
@router.get("/bulletins/{bulletin_id}")
def show_bulletin(bulletin_id: Id, actor: Reader, session: DbSession) -> BulletinRead:
    return views.bulletin_read(session, bulletins.get(session, actor, bulletin_id))


@router.get("/inbox")
def my_inbox(actor: Reader, session: DbSession, paged: Paged) -> list[InboxItemRead]:
    """What the caller's unit (or the office) must do now."""
    return [
        InboxItemRead(kind_label=inbox.KIND_LABELS[i.kind], **i.__dict__)
        for i in paged.slice(inbox.items_for(session, actor))
    ]
