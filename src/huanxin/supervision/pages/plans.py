"""Pages of the supervision domain: plan upload, plan detail, the office's review of unit
matches, and the department directory. Ledger, reports, reminders, indicators and briefings
are in ``pages.ledger``, dated checkpoints in ``pages.checkpoints`` (both in this package)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions, orgs
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Id, Name, Text
from huanxin.supervision import matching, planparse, views
from huanxin.supervision.models import Plan
from huanxin.supervision.pages.kit import Reader, Writer
from huanxin.supervision.service import departments, plans
from huanxin.supervision.service.common import get_plan
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
METHOD_LABELS = {
    "exact": "名称一致",
    "alias": "别名一致",
    "fuzzy": "相似匹配",
    "none": "未匹配",
    "manual": "人工指定",
}


def _home_context(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "plans": plans.list_plans(session, actor),
        "places": jurisdictions.list_within(session, actor.scope_codes),
    }


@router.get("/supervision")
def home(request: Request, session: DbSession, actor: Reader) -> Response:
    if actor.role == "department":
        return RedirectResponse("/supervision/tasks", status_code=303)
    return render(request, "supervision/home.html", error=None, **_home_context(session, actor))


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


def _dept_context(session: Session, actor: Actor) -> dict[str, Any]:
    found = departments.list_for(session, actor)
    return {
        "rows": [views.department_read(d) for d in found],
        "places": jurisdictions.list_within(session, actor.scope_codes),
        "org_names": orgs.names_of(session, [d.org_id for d in found]),
    }


@router.get("/supervision/departments")
def departments_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return render(
        request,
        "supervision/departments.html",
        error=None,
        form={},
        **_dept_context(session, actor),
    )


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
