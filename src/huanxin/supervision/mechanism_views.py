"""Answers of the working mechanism (API schemas) built from its rows, shared by the API
and the pages."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from huanxin.supervision.mechanism_models import (
    Body,
    Bulletin,
    Decision,
    Escalation,
    Finding,
    Meeting,
    PublicItem,
    ReportTemplate,
    Seat,
    Visit,
)
from huanxin.supervision.mechanism_schemas import (
    AgendaRead,
    AttendanceRead,
    BodyRead,
    BulletinRead,
    DecisionRead,
    DeliveryRead,
    EscalationRead,
    FigureRead,
    FileRead,
    FindingRead,
    MeetingRead,
    PublicItemRead,
    SeatRead,
    TaskBrief,
    TemplateRead,
    VisitRead,
)
from huanxin.supervision.models import Task
from huanxin.supervision.service import bodies, bulletins, ledger, meetings, visits
from huanxin.supervision.vocab import label


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


ROLE_ORDER = ["convener", "deputy", "lead", "member", "liaison"]


def body_read(session: Session, body: Body) -> BodyRead:
    seats = sorted(
        bodies.seats_of(session, body.id),
        key=lambda s: (ROLE_ORDER.index(s.role), s.start_on, s.id),
    )
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


def meeting_read(session: Session, row: Meeting) -> MeetingRead:
    body = session.get(Body, row.body_id)
    present = meetings.attendance(session, row.id)
    made = meetings.decisions(session, row.id)
    names = bodies.department_names(
        session, {a.department_id for a in present} | {d.department_id or 0 for d in made}
    )
    return MeetingRead(
        id=row.id,
        body_id=row.body_id,
        body=body.name if body else "",
        jurisdiction_code=row.jurisdiction_code,
        kind=row.kind,
        kind_label=label(row.kind),
        title=row.title,
        held_on=row.held_on,
        place=row.place,
        state=row.state,
        state_label=label(row.state),
        minutes=row.minutes,
        agenda=[
            AgendaRead(
                position=a.position,
                source=a.source,
                ref_id=a.ref_id,
                title=a.title,
                detail=a.detail,
            )
            for a in meetings.agenda(session, row.id)
        ],
        attendance=[
            AttendanceRead(
                department_id=a.department_id,
                department=names.get(a.department_id, ""),
                person_name=a.person_name,
                present=a.present,
            )
            for a in present
        ],
        decisions=[decision_read(d, names) for d in made],
        minutes_docx=f"/api/v1/supervision/meetings/{row.id}/minutes.docx",
    )


def decision_read(d: Decision, names: dict[int, str]) -> DecisionRead:
    return DecisionRead(
        id=d.id,
        kind=d.kind,
        kind_label=label(d.kind),
        text=d.text,
        department_id=d.department_id,
        department=names.get(d.department_id or 0),
        deadline=d.deadline,
        task_id=d.task_id,
    )


def escalation_read(session: Session, e: Escalation) -> EscalationRead:
    names = bodies.department_names(session, {e.department_id} if e.department_id else set())
    return EscalationRead(
        id=e.id,
        jurisdiction_code=e.jurisdiction_code,
        title=e.title,
        ask=e.ask,
        level=e.level,
        level_label=label(e.level),
        addressee=e.addressee,
        department=names.get(e.department_id or 0),
        state=e.state,
        state_label=label(e.state),
        submitted_on=e.submitted_on,
        answer=e.answer,
        answered_on=e.answered_on,
        closed_note=e.closed_note,
    )


CLOSING_LABELS = {"open": "整改中", "requested": "整改完成待审核", "closed": "已整改销号"}


def visit_read(session: Session, v: Visit) -> VisitRead:
    found = visits.findings_of(session, v.id)
    names = bodies.department_names(
        session, {v.lead_department_id} | {f.department_id for f in found}
    )
    return VisitRead(
        id=v.id,
        jurisdiction_code=v.jurisdiction_code,
        lead_department_id=v.lead_department_id,
        lead_department=names.get(v.lead_department_id, ""),
        title=v.title,
        subject=v.subject,
        planned_on=v.planned_on,
        done_on=v.done_on,
        state=v.state,
        state_label=label(v.state),
        summary=v.summary,
        findings=[finding_read(session, f, names) for f in found],
    )


def finding_read(session: Session, f: Finding, names: dict[int, str]) -> FindingRead:
    closing = visits.closing_of(session, f)
    return FindingRead(
        id=f.id,
        text=f.text,
        department_id=f.department_id,
        department=names.get(f.department_id, ""),
        deadline=f.deadline,
        task_id=f.task_id,
        closing=closing,
        closing_label=CLOSING_LABELS.get(closing, closing),
        files=[
            FileRead(
                id=x.id,
                filename=x.filename,
                content_type=x.content_type,
                size=x.size,
                url=f"/api/v1/supervision/files/{x.id}",
            )
            for x in visits.finding_files(session, f.id)
        ],
    )


def template_read(t: ReportTemplate) -> TemplateRead:
    return TemplateRead(
        id=t.id,
        jurisdiction_code=t.jurisdiction_code,
        kind=t.kind,
        kind_label=label(t.kind),
        name=t.name,
        opening=t.opening,
        figures=bulletins.keys_of(t),
        recipients=bulletins.recipients_of(t),
    )


def bulletin_read(session: Session, b: Bulletin) -> BulletinRead:
    tpl = session.get(ReportTemplate, b.template_id)
    sent = bulletins.deliveries(session, b.id)
    names = bodies.department_names(session, {d.department_id for d in sent})
    base = f"/api/v1/supervision/bulletins/{b.id}"
    return BulletinRead(
        id=b.id,
        template_id=b.template_id,
        kind=tpl.kind if tpl else "",
        kind_label=label(tpl.kind) if tpl else "",
        jurisdiction_code=b.jurisdiction_code,
        issue_no=b.issue_no,
        title=b.title,
        period_start=b.period_start,
        period_end=b.period_end,
        figures=[
            FigureRead(**{k: str(v[k]) for k in ("key", "label", "value", "unit")})
            for v in json.loads(b.figures)
        ],
        deliveries=[
            DeliveryRead(
                department_id=d.department_id,
                department=names.get(d.department_id, ""),
                read=d.read_at is not None,
            )
            for d in sent
        ],
        docx=f"{base}.docx",
        pdf=f"{base}.pdf",
    )


def public_item_read(i: PublicItem) -> PublicItemRead:
    return PublicItemRead(
        id=i.id,
        jurisdiction_code=i.jurisdiction_code,
        kind=i.kind,
        kind_label=label(i.kind),
        title=i.title,
        body=i.body,
        published=i.published,
        published_on=i.published_on,
    )
