"""Chinese pages of the equipment domain: enterprises, their ledger (import with the
row-by-row error report, flags, savings, reports, the digitalisation report) and the
department's lists. Project library, subsidies and the indicators are in
``pages/projects.py``, one ledger row in ``pages/items.py``, the calculators in
``pages/calculators.py``."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Count, Id, Line, Name, Text
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.equipment import lists
from huanxin.equipment.deps import READ, WRITE, page_require_any
from huanxin.equipment.ledger_io import HEADERS
from huanxin.equipment.pages.projects import bp
from huanxin.equipment.reports import category_label
from huanxin.equipment.savings import DEFAULT_FACTORS
from huanxin.equipment.service import access, digital, enterprises, ledger, projects
from huanxin.equipment.vocab import FLAG_KINDS, SECTORS, STAGES
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require_any(*READ))]
Writer = Annotated[Actor, Depends(page_require_any(*WRITE))]


def common(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "sectors": SECTORS,
        "stages": STAGES,
        "flag_kinds": FLAG_KINDS,
        "category_label": category_label,
        "places": jurisdictions.list_within(session, actor.scope_codes),
        "manages": access.manages(actor),
    }


def _places(session: Session, actor: Actor) -> dict[str, str]:
    return {j.code: j.name for j in jurisdictions.list_within(session, actor.scope_codes)}


def _index_filters(
    sector: Code = "", above_size: Code = "", jurisdiction_code: Code = ""
) -> dict[str, str]:
    return {"sector": sector, "above_size": above_size, "jurisdiction_code": jurisdiction_code}


IndexFilters = Annotated[dict[str, str], Depends(_index_filters)]
ListParams = Annotated[ListQuery, Depends(list_query)]


def _item_filters(
    flag: Code | None = None, category: Code = "", status: Line = ""
) -> dict[str, str]:
    """One enterprise's ledger filters from the address; it opens on the rows to eliminate."""
    return lists.ledger_filters(flag, category, status)


def _list_filters(
    flag: Code | None = None,
    category: Code = "",
    status: Line = "",
    sector: Code = "",
    jurisdiction_code: Code = "",
) -> dict[str, str]:
    """The department's ledger filters from the address; it opens on the rows to eliminate."""
    return lists.ledger_filters(flag, category, status, sector, jurisdiction_code)


ItemFilters = Annotated[dict[str, str], Depends(_item_filters)]
ListFilters = Annotated[dict[str, str], Depends(_list_filters)]


@router.get("/equipment")
def index(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: ListParams,
    filters: IndexFilters,
) -> Response:
    """The enterprises a page at a time (an enterprise goes to its own page)."""
    if access.own_only(actor):
        ent = enterprises.own(session, actor)
        if ent is not None:
            return RedirectResponse(f"/equipment/enterprises/{ent.id}", status_code=303)
    return _index(request, session, actor, query=query, filters=filters)


@router.get("/equipment/enterprises.xlsx")
def index_export(
    session: DbSession, actor: Reader, query: ListParams, filters: IndexFilters
) -> Response:
    """The enterprises the list shows under the same filters and search, as .xlsx."""
    spec = lists.enterprises(_places(session, actor))
    stmt = access.readable_enterprises(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


def _index(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    spec = lists.enterprises(_places(session, actor))
    page = page_of(
        session,
        spec,
        access.readable_enterprises(actor),
        query or ListQuery(),
        path="/equipment",
        filters=filters or _index_filters(),
    )
    return render(
        request,
        "equipment/index.html",
        status_code=status,
        page=page,
        rows=page.rows,
        reads_all=access.reads_all(actor),
        error=error,
        form=form or {},
        summary=ledger.summary(session, actor),
        **common(session, actor),
    )


@router.post("/equipment/enterprises")
def register(
    request: Request,
    session: DbSession,
    actor: Writer,
    name: Annotated[Name, Form()] = "",
    uscc: Annotated[Code, Form()] = "",
    industry_code: Annotated[Code, Form()] = "",
    sector: Annotated[Code, Form()] = "",
    jurisdiction_code: Annotated[Code, Form()] = "",
    above_size: Annotated[Code, Form()] = "",
) -> Response:
    form = {
        "name": name,
        "uscc": uscc,
        "industry_code": industry_code,
        "sector": sector,
        "jurisdiction_code": jurisdiction_code,
        "above_size": above_size,
    }

    def change() -> str:
        ent = enterprises.register(
            session,
            actor,
            name=name or None,
            uscc=uscc,
            industry_code=industry_code,
            sector=sector,
            jurisdiction_code=jurisdiction_code,
            above_size=above_size == "1",
        )
        return f"/equipment/enterprises/{ent.id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return _index(request, session, actor, status=error.status, error=error.message, form=form)

    return kit.submit(request, session, change, page)


def _detail(
    request: Request,
    session: Session,
    actor: Actor,
    enterprise_id: int,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    ent = enterprises.get(session, actor, enterprise_id)
    page = page_of(
        session,
        lists.ledger_items(),
        ledger.items_stmt(actor, enterprise_id=ent.id),
        query or ListQuery(),
        path=f"/equipment/enterprises/{ent.id}",
        filters=filters or _item_filters(),
        view=lists.ledger_view(session),
    )
    context: dict[str, Any] = {
        "ent": ent,
        "page": page,
        "summary": ledger.summary(session, actor, enterprise_id=ent.id),
        "categories": ledger.by_category(session, actor, enterprise_id=ent.id),
        "projects": projects.list_for(session, actor, enterprise_id=ent.id),
        "factors": DEFAULT_FACTORS.describe_zh(),
        "headers": HEADERS,
        "can_write": access.manages(actor) or ent.org_id == actor.org_id,
        "digital_reports": digital.for_enterprise(session, actor, ent.id),
        "this_year": today_cn().year,
        "errors": [],
        "error": None,
        "imported": None,
    }
    context.update(extra)
    return render(
        request,
        "equipment/enterprise.html",
        status_code=status,
        **common(session, actor),
        **context,
    )


@router.get("/equipment/enterprises/{enterprise_id}")
def detail(
    enterprise_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    query: ListParams,
    filters: ItemFilters,
    imported: Count | None = None,
) -> HTMLResponse:
    """The enterprise, its ledger a page at a time (opening on the rows to eliminate), its
    import and digitalisation forms and its projects."""
    return _detail(
        request, session, actor, enterprise_id, query=query, filters=filters, imported=imported
    )


@router.get("/equipment/enterprises/{enterprise_id}/items.xlsx")
def items_export(
    enterprise_id: Id, session: DbSession, actor: Reader, query: ListParams, filters: ItemFilters
) -> Response:
    """The ledger rows the enterprise page shows under the same filters and search, as .xlsx."""
    ent = enterprises.get(session, actor, enterprise_id)
    stmt = ledger.items_stmt(actor, enterprise_id=ent.id)
    view = lists.ledger_view(session)
    spec = lists.ledger_items()
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/equipment/enterprises/{enterprise_id}/import")
def import_page(
    enterprise_id: Id, request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _detail(
            request,
            session,
            actor,
            enterprise_id,
            status=422,
            error="请选择要导入的台账文件（.xlsx 或 .csv）",
        )
    content = uploads.content(upload)
    filename = upload.filename

    def change() -> str:
        result = _import(session, actor, enterprise_id, filename, content)
        return f"/equipment/enterprises/{enterprise_id}?imported={result.rows}"

    def page(error: kit.PageError) -> HTMLResponse:
        rows = list(error.rows)
        return _detail(
            request,
            session,
            actor,
            enterprise_id,
            status=error.status,
            error=error.message,
            errors=rows,
        )

    return kit.submit(request, session, change, page)


def _import(
    session: Session, actor: Actor, enterprise_id: int, filename: str, content: bytes
) -> ledger.ImportResult:
    suffix = PurePath(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(content)
        return ledger.import_ledger(
            session, actor, enterprise_id=enterprise_id, path=path, filename=filename
        )


@router.post("/equipment/enterprises/{enterprise_id}/classify")
def classify_page(
    enterprise_id: Id, request: Request, session: DbSession, actor: Writer
) -> Response:
    def change() -> str:
        ledger.reclassify(session, actor, enterprise_id=enterprise_id)
        return f"/equipment/enterprises/{enterprise_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return _detail(request, session, actor, enterprise_id, status=error.status, error=error)

    return kit.submit(request, session, change, page)


def _optional_bp(value: str, field: str, label: str) -> int | None:
    return bp(value, field, label) if value.strip() else None


@router.post("/equipment/enterprises/{enterprise_id}/digital")
def digital_page(
    enterprise_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    year: Annotated[Code, Form()] = "",
    cnc: Annotated[Code, Form()] = "",
    design: Annotated[Text, Form()] = "",
) -> Response:
    def change() -> str:
        if not year.strip().isdigit():
            raise InvalidInput("填报年度应为四位年份", field="year")
        digital.report(
            session,
            actor,
            enterprise_id=enterprise_id,
            year=int(year),
            cnc_rate_bp=_optional_bp(cnc, "cnc_rate_bp", "关键工序数控化率"),
            design_tool_bp=_optional_bp(design, "design_tool_bp", "数字化研发设计工具普及率"),
        )
        return f"/equipment/enterprises/{enterprise_id}#digital"

    def page(error: kit.PageError) -> HTMLResponse:
        return _detail(request, session, actor, enterprise_id, status=error.status, error=error)

    return kit.submit(request, session, change, page)


@router.get("/equipment/lists")
def lists_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("equipment:read"))],
    query: ListParams,
    filters: ListFilters,
) -> HTMLResponse:
    """Every readable enterprise's ledger rows a page at a time, opening on the rows to
    eliminate, with the counts and the category table of the chosen sector and place."""
    places = _places(session, actor)
    page = page_of(
        session,
        lists.ledger_items(places),
        ledger.items_stmt(actor),
        query,
        path="/equipment/lists",
        filters=filters,
        view=lists.ledger_view(session),
    )
    sector, place = filters["sector"], filters["jurisdiction_code"]
    scope = {
        "sector": sector if sector in SECTORS else None,
        "jurisdiction_code": place if place in places else None,
    }
    return render(
        request,
        "equipment/lists.html",
        page=page,
        summary=ledger.summary(session, actor, **scope),
        categories=ledger.by_category(session, actor, **scope),
        sector=scope["sector"] or "",
        jurisdiction_code=scope["jurisdiction_code"] or "",
        factors=DEFAULT_FACTORS.describe_zh(),
        **common(session, actor),
    )


@router.get("/equipment/lists/items.xlsx")
def lists_export(
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("equipment:read"))],
    query: ListParams,
    filters: ListFilters,
) -> Response:
    """The ledger rows the department's list shows under the same filters and search."""
    spec = lists.ledger_items(_places(session, actor))
    view = lists.ledger_view(session)
    stmt = ledger.items_stmt(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)
