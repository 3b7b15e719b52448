"""Chinese pages of the project library (设备更新动态项目库): dashboard with chart, project
detail with lifecycle steps, documents and interest subsidies, and the indicators (equipment
investment against 2023; the reported digitalisation rates with their chart)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from huanxin.core import users
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text, Year
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.core.money import parse_yuan
from huanxin.equipment import charts, lists
from huanxin.equipment.deps import READ, WRITE, page_require_any
from huanxin.equipment.service import (
    access,
    digital,
    enterprises,
    indicator,
    ledger,
    projects,
    subsidy,
)
from huanxin.equipment.service.access import readable_projects
from huanxin.equipment.vocab import (
    DOC_TYPES,
    FUNDING,
    REPAYMENTS,
    SECTORS,
    STAGES,
    SUBSIDY_STATUS,
)
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require_any(*READ))]
Writer = Annotated[Actor, Depends(page_require_any(*WRITE))]
ListParams = Annotated[ListQuery, Depends(list_query)]
Manager = Annotated[Actor, Depends(page_require("equipment:manage"))]
_LABELS = {
    "equipment_investment": "设备投资",
    "total_investment": "总投资",
    "cap": "贴息上限",
    "investment": "专用设备投资",
    "tax": "应纳税",
    "amount": "基期设备投资",
    **{k.removesuffix("_fen"): v for k, v in FUNDING.items()},
}


def fen(value: str, field: str, *, required: bool = True) -> int:
    """Parse a yuan amount typed in a form into fen."""
    if not value.strip() and not required:
        return 0
    try:
        return parse_yuan(value)
    except ValueError as exc:
        label = _LABELS.get(field.removesuffix("_fen"), field)
        raise InvalidInput(f"{label}金额格式不正确（元，最多两位小数）", field=field) from exc


def bp(value: str, field: str, label: str) -> int:
    """Parse a percentage typed in a form (e.g. "1.5") into basis points."""
    try:
        return fen(value, field)
    except InvalidInput as exc:
        raise InvalidInput(f"{label}格式不正确（百分数，最多两位小数）", field=field) from exc


def _date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("日期格式不正确", field=field) from exc


def _library(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
    query: ListQuery | None = None,
    stage: str | None = None,
    sector: str = "",
) -> HTMLResponse:
    data = projects.dashboard(session, actor)
    query = query or ListQuery()
    chosen = dict(lists.filters(actor, stage, sector))
    page = page_of(
        session,
        lists.SPEC,
        readable_projects(actor),
        query,
        path="/equipment/projects",
        filters=chosen,
    )
    return render(
        request,
        "equipment/projects.html",
        status_code=status,
        data=data,
        chart=charts.dashboard_svg(data),
        page=page,
        heading=lists.VIEW_LABELS.get(chosen["stage"]) or STAGES.get(chosen["stage"], ""),
        ents=enterprises.list_for(session, actor),
        sectors=SECTORS,
        stages=STAGES,
        funding=FUNDING,
        error=error,
        form=form or {},
        can_write=actor.can("equipment:own") or access.manages(actor),
    )


@router.get("/equipment/projects")
def library(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: ListParams,
    stage: Code | None = None,
    sector: Code = "",
) -> HTMLResponse:
    """The library's figures, and its projects a page at a time (opening on waiting work)."""
    return _library(request, session, actor, query=query, stage=stage, sector=sector)


@router.get("/equipment/projects.xlsx")
def library_export(
    session: DbSession,
    actor: Reader,
    query: ListParams,
    stage: Code | None = None,
    sector: Code = "",
) -> Response:
    """The projects the list shows under the same filters and search, as .xlsx."""
    chosen = lists.filters(actor, stage, sector)
    stmt = readable_projects(actor)
    return export(session, lists.SPEC, stmt, query, filters=chosen, on=today_cn())


@router.post("/equipment/projects")
def create(request: Request, session: DbSession, actor: Writer, posted: kit.Posted) -> Response:
    form = kit.text_of(posted)

    def change() -> str:
        money: dict[str, Any] = {
            k: fen(form.get(k, ""), k, required=k.endswith("investment_fen"))
            for k in ("equipment_investment_fen", "total_investment_fen", *FUNDING)
        }
        ent_id = form.get("enterprise_id", "")
        p = projects.create(
            session,
            actor,
            enterprise_id=int(ent_id) if ent_id.isdigit() else 0,
            name=form.get("name", ""),
            planned_on=_date(form.get("planned_on", ""), "planned_on"),
            **money,
        )
        return f"/equipment/projects/{p.id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return _library(
            request, session, actor, status=error.status, error=error.message, form=form
        )

    return kit.submit(request, session, change, page)


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    p = projects.get(session, actor, project_id)
    candidates = [
        i
        for i in ledger.list_items(session, actor, enterprise_id=p.enterprise_id, limit=1000)
        if i.scrapped_project_id is None and i.status != "已报废"
    ]
    nxt = projects.next_stage(p.stage)
    steps = projects.steps(session, p.id)
    return render(
        request,
        "equipment/project.html",
        status_code=status,
        p=p,
        error=error,
        ent=enterprises.get(session, actor, p.enterprise_id),
        steps=steps,
        people=users.names_of(session, [s.by_user_id for s in steps]),
        docs=projects.documents(session, p.id),
        scrapped=projects.scrapped_items(session, p.id),
        candidates=candidates,
        subsidies=subsidy.list_for(session, actor, project_id=p.id),
        next_stage=nxt,
        stages=STAGES,
        sectors=SECTORS,
        funding=FUNDING,
        doc_types=DOC_TYPES,
        repayments=REPAYMENTS,
        subsidy_status=SUBSIDY_STATUS,
        rule=subsidy.RULE_ZH,
        subsidy_source=subsidy.SOURCE_ZH,
        default_points=f"{subsidy.DEFAULT_SUBSIDY_BP / 100:g}",
        default_months=subsidy.MAX_SUBSIDY_MONTHS,
        manages=access.manages(actor),
        today=today_cn().isoformat(),
        can_write=access.manages(actor) or actor.can("equipment:own"),
    )


@router.get("/equipment/projects/{project_id}")
def detail(project_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _detail(request, session, actor, project_id)


def _done(project_id: int) -> str:
    return f"/equipment/projects/{project_id}"


def _on_project(
    request: Request, session: Session, actor: Actor, project_id: int, change: Callable[[], str]
) -> Response:
    """Run a change of the project page's forms; a refusal shows the project page again."""

    def page(error: kit.PageError) -> HTMLResponse:
        return _detail(
            request, session, actor, project_id, status=error.status, error=error.message
        )

    return kit.submit(request, session, change, page)


@router.post("/equipment/projects/{project_id}/step")
def step(
    project_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    scrapped = [int(str(v)) for v in form.getlist("scrapped_item_ids") if str(v).isdigit()]

    def change() -> str:
        projects.advance(
            session,
            actor,
            project_id=project_id,
            to_stage=str(form.get("to_stage", "")),
            on_date=_date(str(form.get("on_date", "")), "on_date"),
            note=str(form.get("note", "")),
            scrapped_item_ids=scrapped,
        )
        return _done(project_id)

    return _on_project(request, session, actor, project_id, change)


@router.post("/equipment/projects/{project_id}/documents")
def document(
    project_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    upload = form.get("file")
    chosen = isinstance(upload, UploadFile) and bool(upload.filename)
    content = uploads.content(upload) if isinstance(upload, UploadFile) and chosen else b""

    def change() -> str:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("请选择要上传的文件", field="file")
        projects.add_document(
            session,
            actor,
            project_id=project_id,
            doc_type=str(form.get("doc_type", "")),
            filename=upload.filename,
            content=content,
        )
        return _done(project_id)

    return _on_project(request, session, actor, project_id, change)


@router.post("/equipment/projects/{project_id}/subsidies")
def apply_subsidy(
    project_id: Id, request: Request, session: DbSession, actor: Writer, posted: kit.Posted
) -> Response:
    form = kit.text_of(posted)

    def change() -> str:
        cap = form.get("cap_fen", "").strip()
        term = form.get("term_months", "")
        months = form.get("max_months", "").strip() or str(subsidy.MAX_SUBSIDY_MONTHS)
        subsidy.apply(
            session,
            actor,
            project_id=project_id,
            max_months=int(months) if months.isdigit() else 0,
            loan_fen=fen(form.get("loan_fen", ""), "loan_fen"),
            rate_bp=bp(form.get("rate_bp", ""), "rate_bp", "贷款年利率"),
            subsidy_bp=bp(form.get("subsidy_bp", ""), "subsidy_bp", "贴息点数"),
            term_months=int(term) if term.isdigit() else 0,
            repayment=form.get("repayment", ""),
            cap_fen=fen(cap, "cap_fen") if cap else None,
        )
        return _done(project_id)

    return _on_project(request, session, actor, project_id, change)


@router.post("/equipment/subsidies/{subsidy_id}/decision")
def decide(
    subsidy_id: Id,
    request: Request,
    session: DbSession,
    actor: Manager,
    decision: Annotated[Code, Form()] = "",
    note: Annotated[Text, Form()] = "",
) -> Response:
    row = subsidy.get(session, actor, subsidy_id)

    def change() -> str:
        subsidy.decide(
            session, actor, subsidy_id=subsidy_id, approve=decision == "approve", note=note
        )
        return _done(row.project_id)

    return _on_project(request, session, actor, row.project_id, change)


def _indicator(
    request: Request,
    session: Session,
    actor: Actor,
    year: int,
    *,
    digital_year: int | None = None,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    data = indicator.investment_indicator(session, jurisdiction_codes=actor.scope_codes, year=year)
    dyear = digital_year or digital.latest_year(session, actor) or today_cn().year
    by_sector = digital.aggregate(session, actor, year=dyear, by="sector")
    by_place = digital.aggregate(session, actor, year=dyear, by="jurisdiction")
    reported = by_sector.overall.enterprises > 0
    return render(
        request,
        "equipment/indicator.html",
        status_code=status,
        data=data,
        chart=charts.indicator_svg(data),
        error=error,
        sectors=SECTORS,
        manages=access.manages(actor),
        years=range(2024, 2028),
        own_code=actor.jurisdiction_code,
        dyear=dyear,
        by_sector=by_sector,
        by_place=by_place,
        digital_chart=charts.digital_svg(by_sector) if reported else None,
    )


@router.get("/equipment/indicator")
def indicator_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("equipment:read"))],
    year: Year | None = None,
    digital_year: Year | None = None,
) -> HTMLResponse:
    return _indicator(request, session, actor, year or today_cn().year, digital_year=digital_year)


@router.post("/equipment/indicator/baseline")
def baseline(
    request: Request,
    session: DbSession,
    actor: Manager,
    sector: Annotated[Code, Form()] = "",
    amount: Annotated[Code, Form()] = "",
    source: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        indicator.set_baseline(
            session,
            actor,
            jurisdiction_code=actor.jurisdiction_code,
            sector=sector,
            amount_fen=fen(amount, "amount_fen"),
            source=source,
        )
        return "/equipment/indicator"

    def page(error: kit.PageError) -> HTMLResponse:
        year = today_cn().year
        return _indicator(request, session, actor, year, status=error.status, error=error.message)

    return kit.submit(request, session, change, page)
