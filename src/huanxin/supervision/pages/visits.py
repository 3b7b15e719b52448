"""Pages of supervision visits: plan one, record what was found (with photos or files), and
follow each finding's rectification task to its closing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, LongText
from huanxin.core.clock import today_cn
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.pages import record_lists
from huanxin.supervision.pages.kit import Reader, Text, day, number, page
from huanxin.supervision.service import departments, visits
from huanxin.supervision.service.files import Upload
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, ListSpec, View, export, list_query, page_of

router = APIRouter(include_in_schema=False)


def _filters(state: Code | None = None, lead_department_id: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the visits still planned."""
    opening = record_lists.VISITS_OPENING if state is None else state
    return {"state": opening, "lead_department_id": lead_department_id}


Filters = Annotated[dict[str, str], Depends(_filters)]
Query = Annotated[ListQuery, Depends(list_query)]
VISITS = "/supervision/visits"


def _list(session: Session, actor: Actor) -> tuple[ListSpec, View]:
    leads = {str(d.id): d.name for d in departments.list_for(session, actor)}
    return record_lists.visits(leads), lambda rows: [views.visit_read(session, v) for v in rows]


def _list_page(
    request: Request,
    session: Session,
    actor: Actor,
    exc: kit.PageError | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    spec, view = _list(session, actor)
    listed = page_of(
        session,
        spec,
        visits.readable(actor),
        query or ListQuery(),
        path=VISITS,
        filters=filters or _filters(),
        view=view,
    )
    return page(
        request,
        "supervision/visits.html",
        exc,
        page=listed,
        form=form or {},
        today=today_cn(),
        departments=departments.list_for(session, actor),
        places=jurisdictions.list_within(session, actor.scope_codes),
    )


@router.get(VISITS)
def visits_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """The visits a page at a time, opening on those planned, the nearest first."""
    return _list_page(request, session, actor, query=query, filters=filters)


@router.get(VISITS + ".xlsx")
def visits_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The visits the list shows under the same filters and search, as .xlsx."""
    spec, view = _list(session, actor)
    stmt = visits.readable(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


class VisitForm(kit.PageForm):
    """A visit to plan: where, the lead unit, title, subject and day; the service checks the
    rest (the place within the actor's jurisdiction, the unit's)."""

    jurisdiction_code: LongText = ""
    lead_department_id: kit.OptionalWhole = Field(None, title="牵头单位")
    title: LongText = ""
    subject: LongText = ""
    planned_on: kit.Day = Field(title="计划日期")


@router.post("/supervision/visits")
def visits_create(
    request: Request, session: DbSession, actor: Reader, data: kit.Posted
) -> Response:
    def change() -> str:
        form = kit.parse(VisitForm, data)
        row = visits.plan_visit(
            session,
            actor,
            jurisdiction_code=form.jurisdiction_code,
            title=form.title,
            subject=form.subject,
            lead_department_id=form.lead_department_id,
            planned_on=form.planned_on,
        )
        return f"/supervision/visits/{row.id}"

    form = kit.text_of(data)
    return kit.submit(
        request, session, change, lambda e: _list_page(request, session, actor, e, form)
    )


def _visit_page(
    request: Request,
    session: Session,
    actor: Actor,
    visit_id: int,
    exc: kit.PageError | None = None,
) -> HTMLResponse:
    row = visits.get(session, actor, visit_id)
    return page(
        request,
        "supervision/visit.html",
        exc,
        v=views.visit_read(session, row),
        today=today_cn(),
        departments=departments.list_for(session, actor, row.jurisdiction_code),
    )


@router.get("/supervision/visits/{visit_id}")
def visit_page(visit_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _visit_page(request, session, actor, visit_id)


@router.post("/supervision/visits/{visit_id}/done")
def visit_done(
    visit_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    done_on: Text = "",
    summary: Text = "",
) -> Response:
    def change() -> str:
        visits.carry_out(
            session, actor, visit_id, done_on=day(done_on, "done_on", "开展日期"), summary=summary
        )
        return f"/supervision/visits/{visit_id}"

    return kit.submit(
        request, session, change, lambda e: _visit_page(request, session, actor, visit_id, e)
    )


@router.post("/supervision/visits/{visit_id}/findings")
def finding_create(
    visit_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    text: Text = "",
    department_id: Text = "",
    deadline: Text = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    items = [Upload(f.filename or "", uploads.content(f)) for f in files or []]

    def change() -> str:
        visits.add_finding(
            session,
            actor,
            visit_id,
            text=text,
            uploads=items,
            department_id=number(department_id, "department_id", "整改责任单位"),
            deadline=day(deadline, "deadline", "整改时限"),
        )
        return f"/supervision/visits/{visit_id}"

    return kit.submit(
        request, session, change, lambda e: _visit_page(request, session, actor, visit_id, e)
    )
