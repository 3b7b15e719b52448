"""Pages of meetings (agenda, attendance, decisions, minutes) and of escalations to higher
levels (a department proposes, the office sends, records the answer and closes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, LongText
from huanxin.core.clock import today_cn
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.pages import record_lists
from huanxin.supervision.pages.kit import Reader, Text, Writer, day, number, page
from huanxin.supervision.service import bodies, escalations, ledger, meetings
from huanxin.supervision.vocab import DecisionKind, EscalationLevel, MeetingKind, choices
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, ListSpec, View, export, list_query, page_of

router = APIRouter(include_in_schema=False)


def _filters(state: Code | None = None, kind: Code = "", body_id: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the meetings still to be held."""
    opening = record_lists.MEETINGS_OPENING if state is None else state
    return {"state": opening, "kind": kind, "body_id": body_id}


Filters = Annotated[dict[str, str], Depends(_filters)]
Query = Annotated[ListQuery, Depends(list_query)]
MEETINGS = "/supervision/meetings"


def _list(session: Session, actor: Actor) -> tuple[ListSpec, View]:
    names = {str(b.id): b.name for b in bodies.list_bodies(session, actor)}
    spec = record_lists.meetings(names)
    return spec, lambda rows: [views.meeting_read(session, m) for m in rows]


def _list_context(
    session: Session,
    actor: Actor,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    spec, view = _list(session, actor)
    stmt = meetings.readable(actor)
    chosen = filters or _filters()
    return {
        "page": page_of(
            session, spec, stmt, query or ListQuery(), path=MEETINGS, filters=chosen, view=view
        ),
        "bodies": bodies.list_bodies(session, actor),
        "kinds": choices(MeetingKind),
        "today": today_cn(),
    }


@router.get(MEETINGS)
def meetings_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """The meetings a page at a time, opening on those still to be held, the nearest first."""
    context = _list_context(session, actor, query, filters)
    return page(request, "supervision/meetings.html", form={}, **context)


@router.get(MEETINGS + ".xlsx")
def meetings_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The meetings the list shows under the same filters and search, as .xlsx."""
    spec, view = _list(session, actor)
    stmt = meetings.readable(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


class MeetingForm(kit.PageForm):
    """A meeting to schedule: the body that meets, its kind, title, day, place and topics (one
    a line); the service checks the rest."""

    body_id: kit.OptionalWhole = Field(None, title="议事机构")
    kind: LongText = ""
    title: LongText = ""
    held_on: kit.Day = Field(title="会议日期")
    place: LongText = ""
    topics: LongText = ""


@router.post("/supervision/meetings")
def meetings_create(
    request: Request, session: DbSession, actor: Writer, data: kit.Posted
) -> Response:
    def change() -> str:
        form = kit.parse(MeetingForm, data)
        row = meetings.schedule(
            session,
            actor,
            body_id=form.body_id or 0,
            kind=form.kind,
            title=form.title,
            place=form.place,
            held_on=form.held_on,
            topics=form.topics.splitlines(),
        )
        return f"/supervision/meetings/{row.id}"

    def again(exc: kit.PageError) -> HTMLResponse:
        context = _list_context(session, actor)
        return page(request, "supervision/meetings.html", exc, form=kit.text_of(data), **context)

    return kit.submit(request, session, change, again)


def _meeting_page(
    request: Request,
    session: Session,
    actor: Actor,
    meeting_id: int,
    exc: kit.PageError | None = None,
) -> HTMLResponse:
    row = meetings.get(session, actor, meeting_id)
    members = bodies.department_names(session, bodies.member_ids(session, row.body_id))
    open_tasks = [
        t
        for t in ledger.tasks_query(session, actor)
        if t.jurisdiction_code == row.jurisdiction_code and t.closing != "closed"
    ]
    return page(
        request,
        "supervision/meeting.html",
        exc,
        m=views.meeting_read(session, row),
        members=members,
        open_tasks=open_tasks,
        kinds=choices(DecisionKind),
    )


@router.get("/supervision/meetings/{meeting_id}")
def meeting_page(
    meeting_id: Id, request: Request, session: DbSession, actor: Reader
) -> HTMLResponse:
    return _meeting_page(request, session, actor, meeting_id)


@router.post("/supervision/meetings/{meeting_id}/attendance")
def meeting_attendance(
    meeting_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    ids = [int(str(v)) for v in form.getlist("department_id") if str(v).isdigit()]
    present = {int(str(v)) for v in form.getlist("present") if str(v).isdigit()}
    entries = [(i, str(form.get(f"person_{i}") or ""), i in present) for i in ids]

    def change() -> str:
        meetings.record_attendance(session, actor, meeting_id, entries=entries)
        return f"/supervision/meetings/{meeting_id}"

    return kit.submit(
        request, session, change, lambda e: _meeting_page(request, session, actor, meeting_id, e)
    )


@router.post("/supervision/meetings/{meeting_id}/decisions")
def meeting_decision(
    meeting_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    kind: Text = "",
    text: Text = "",
    department_id: Text = "",
    deadline: Text = "",
    task_id: Text = "",
) -> Response:
    def change() -> str:
        meetings.decide(
            session,
            actor,
            meeting_id,
            kind=kind,
            text=text,
            department_id=number(department_id, "department_id", "责任单位"),
            deadline=day(deadline, "deadline", "完成时限"),
            task_id=number(task_id, "task_id", "销号任务") if kind == "close_task" else None,
        )
        return f"/supervision/meetings/{meeting_id}"

    return kit.submit(
        request, session, change, lambda e: _meeting_page(request, session, actor, meeting_id, e)
    )


@router.post("/supervision/meetings/{meeting_id}/hold")
def meeting_hold(
    meeting_id: Id, request: Request, session: DbSession, actor: Writer, minutes: Text = ""
) -> Response:
    def change() -> str:
        meetings.hold(session, actor, meeting_id, minutes=minutes)
        return f"/supervision/meetings/{meeting_id}"

    return kit.submit(
        request, session, change, lambda e: _meeting_page(request, session, actor, meeting_id, e)
    )


# --- escalations --------------------------------------------------------------------------


def _esc_filters(state: Code | None = None, level: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the matters not yet closed."""
    opening = record_lists.ESCALATIONS_OPENING if state is None else state
    return {"state": opening, "level": level}


EscFilters = Annotated[dict[str, str], Depends(_esc_filters)]
ESCALATIONS = "/supervision/escalations"


def _esc_views(session: Session) -> View:
    return lambda rows: [views.escalation_read(session, e) for e in rows]


def _esc_page(
    request: Request,
    session: Session,
    actor: Actor,
    exc: kit.PageError | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    listed = page_of(
        session,
        record_lists.escalations(),
        escalations.readable(session, actor),
        query or ListQuery(),
        path=ESCALATIONS,
        filters=filters or _esc_filters(),
        view=_esc_views(session),
    )
    return page(
        request,
        "supervision/escalations.html",
        exc,
        page=listed,
        form=form or {},
        levels=choices(EscalationLevel),
        places=jurisdictions.list_within(session, actor.scope_codes),
    )


@router.get(ESCALATIONS)
def escalations_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: EscFilters
) -> HTMLResponse:
    """The matters a page at a time, opening on those not yet closed, unsent ones first."""
    return _esc_page(request, session, actor, query=query, filters=filters)


@router.get(ESCALATIONS + ".xlsx")
def escalations_export(
    session: DbSession, actor: Reader, query: Query, filters: EscFilters
) -> Response:
    """The matters the list shows under the same filters and search, as .xlsx."""
    stmt, view = escalations.readable(session, actor), _esc_views(session)
    spec = record_lists.escalations()
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/supervision/escalations")
def escalations_create(
    request: Request,
    session: DbSession,
    actor: Reader,
    jurisdiction_code: Text = "",
    title: Text = "",
    ask: Text = "",
    level: Text = "",
    addressee: Text = "",
) -> Response:
    form = {
        "jurisdiction_code": jurisdiction_code,
        "title": title,
        "ask": ask,
        "level": level,
        "addressee": addressee,
    }

    def change() -> str:
        escalations.raise_matter(
            session,
            actor,
            jurisdiction_code=jurisdiction_code,
            title=title,
            ask=ask,
            level=level,
            addressee=addressee,
        )
        return "/supervision/escalations"

    return kit.submit(
        request, session, change, lambda e: _esc_page(request, session, actor, e, form)
    )


@router.post("/supervision/escalations/{escalation_id}/step")
def escalation_step(
    escalation_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    step: Text = "",
    text: Text = "",
    on: Text = "",
) -> Response:
    def change() -> str:
        if step in ("send", "decline"):
            escalations.review(session, actor, escalation_id, send=step == "send", note=text)
        elif step == "answer":
            escalations.answer(
                session, actor, escalation_id, answer=text, on=day(on, "on", "答复日期")
            )
        else:
            escalations.close(session, actor, escalation_id, note=text)
        return "/supervision/escalations"

    return kit.submit(request, session, change, lambda e: _esc_page(request, session, actor, e))
