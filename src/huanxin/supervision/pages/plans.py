"""Pages of the supervision domain: plan upload, plan detail, the office's review of unit
matches, and the department directory. Ledger, reports, reminders, indicators and briefings
are in ``pages.ledger``, dated checkpoints in ``pages.checkpoints`` (both in this package)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions, orgs
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Id, Name, Text
from huanxin.core.clock import today_cn
from huanxin.supervision import matching, planparse, views
from huanxin.supervision.models import Plan
from huanxin.supervision.pages import record_lists
from huanxin.supervision.pages.kit import Reader, Writer
from huanxin.supervision.service import departments, plans
from huanxin.supervision.service.common import get_plan
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, ListSpec, View, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Query = Annotated[ListQuery, Depends(list_query)]
HOME = "/supervision"
DEPARTMENTS = "/supervision/departments"
METHOD_LABELS = {
    "exact": "名称一致",
    "alias": "别名一致",
    "fuzzy": "相似匹配",
    "none": "未匹配",
    "manual": "人工指定",
}


def _place_names(session: Session, actor: Actor) -> dict[str, str]:
    """The jurisdictions the actor may pick or filter by: code → name."""
    return {j.code: j.name for j in jurisdictions.list_within(session, actor.scope_codes)}


def _plan_filters(status: Code = "", jurisdiction_code: Code = "") -> dict[str, str]:
    return {"status": status, "jurisdiction_code": jurisdiction_code}


PlanFilters = Annotated[dict[str, str], Depends(_plan_filters)]


def _home_context(
    session: Session,
    actor: Actor,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    places = _place_names(session, actor)
    page = page_of(
        session,
        record_lists.plans(places),
        plans.readable(actor),
        query or ListQuery(),
        path=HOME,
        filters=filters or _plan_filters(),
    )
    return {"page": page, "places": places}


@router.get(HOME)
def home(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: PlanFilters
) -> Response:
    """The plans a page at a time, those awaiting the unit review first; the upload form."""
    if actor.role == "department":
        return RedirectResponse("/supervision/tasks", status_code=303)
    context = _home_context(session, actor, query, filters)
    return render(request, "supervision/home.html", error=None, **context)


@router.get("/supervision/plans.xlsx")
def plans_export(session: DbSession, actor: Reader, query: Query, filters: PlanFilters) -> Response:
    """The plans the list shows under the same filters and search, every page, as .xlsx."""
    spec = record_lists.plans(_place_names(session, actor))
    return export(session, spec, plans.readable(actor), query, filters=filters, on=today_cn())


@router.post("/supervision/plans")
def upload(
    request: Request,
    session: DbSession,
    actor: Writer,
    jurisdiction_code: Annotated[Code, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    content = uploads.content(file) if file else b""

    def change() -> str:
        plan = plans.import_plan(
            session,
            actor,
            jurisdiction_code=jurisdiction_code,
            filename=file.filename or "" if file else "",
            content=content,
        )
        return f"/supervision/plans/{plan.id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return render(
            request,
            "supervision/home.html",
            error=error,
            error_link=error.link,
            **_home_context(session, actor),
        )

    return kit.submit(request, session, change, page)


@router.get("/supervision/plans/{plan_id}")
def plan_page(plan_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    plan = get_plan(session, actor, plan_id)
    return render(
        request,
        "supervision/plan.html",
        plan=plan,
        data=plans.parsed(plan),
        matches=plans.matches(session, plan),
        reasons=planparse.REASON_LABELS,
        kinds=planparse.KIND_LABELS,
    )


def _review_context(session: Session, actor: Actor, plan: Plan) -> dict[str, Any]:
    rows = plans.matches(session, plan)
    return {
        "plan": plan,
        "rows": rows,
        "methods": METHOD_LABELS,
        "departments": departments.list_for(session, actor, plan.jurisdiction_code),
        "unresolved": sum(1 for m in rows if m.department_id is None),
        "threshold": matching.FUZZY_THRESHOLD,
    }


@router.get("/supervision/plans/{plan_id}/review")
def review_page(plan_id: Id, request: Request, session: DbSession, actor: Writer) -> HTMLResponse:
    plan = get_plan(session, actor, plan_id)
    return render(
        request, "supervision/review.html", error=None, **_review_context(session, actor, plan)
    )


@router.post("/supervision/plans/{plan_id}/review")
def review_confirm(
    plan_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    plan = get_plan(session, actor, plan_id)
    rows = plans.matches(session, plan)
    choices = {m.unit_name: str(form.get(f"unit_{m.id}") or "") for m in rows}

    def change() -> str:
        plans.confirm(session, actor, plan_id, choices=choices)
        return f"/supervision/tasks?plan_id={plan_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        plan = get_plan(session, actor, plan_id)
        return render(
            request,
            "supervision/review.html",
            error=error,
            **_review_context(session, actor, plan),
        )

    return kit.submit(request, session, change, page)


def _place_filter(jurisdiction_code: Code = "") -> dict[str, str]:
    return {"jurisdiction_code": jurisdiction_code}


PlaceFilter = Annotated[dict[str, str], Depends(_place_filter)]


def _directory(session: Session, actor: Actor) -> tuple[ListSpec, View, dict[int, str]]:
    """The directory's list, the view of its rows (with their aliases) and the names of
    their organisations (filled as the view reads a page)."""
    org_names: dict[int, str] = {}

    def view(rows: list[Any]) -> list[Any]:
        org_names.update(orgs.names_of(session, [d.org_id for d in rows]))
        return [views.department_read(d) for d in rows]

    return record_lists.departments(_place_names(session, actor), org_names), view, org_names


def _dept_context(
    session: Session,
    actor: Actor,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    spec, view, org_names = _directory(session, actor)
    page = page_of(
        session,
        spec,
        departments.readable(actor),
        query or ListQuery(),
        path=DEPARTMENTS,
        filters=filters or _place_filter(),
        view=view,
    )
    return {"page": page, "places": _place_names(session, actor), "org_names": org_names}


@router.get(DEPARTMENTS)
def departments_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: PlaceFilter
) -> HTMLResponse:
    """The directory a page at a time: filter by jurisdiction, search, sort, export."""
    context = _dept_context(session, actor, query, filters)
    return render(request, "supervision/departments.html", error=None, form={}, **context)


@router.get(DEPARTMENTS + ".xlsx")
def departments_export(
    session: DbSession, actor: Reader, query: Query, filters: PlaceFilter
) -> Response:
    """The departments the list shows under the same filter and search, as .xlsx."""
    spec, view, _names = _directory(session, actor)
    stmt = departments.readable(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/supervision/departments")
def departments_create(
    request: Request,
    session: DbSession,
    actor: Writer,
    jurisdiction_code: Annotated[Code, Form()] = "",
    name: Annotated[Name, Form()] = "",
    aliases: Annotated[Text, Form()] = "",
) -> Response:
    form = {"jurisdiction_code": jurisdiction_code, "name": name, "aliases": aliases}

    def change() -> str:
        within(actor, jurisdiction_code, "所选区划不在您的管辖范围内", field="jurisdiction_code")
        departments.create(
            session, actor, jurisdiction_code=jurisdiction_code, name=name, aliases=aliases
        )
        return "/supervision/departments"

    def page(error: kit.PageError) -> HTMLResponse:
        return render(
            request,
            "supervision/departments.html",
            error=error,
            form=form,
            **_dept_context(session, actor),
        )

    return kit.submit(request, session, change, page)
