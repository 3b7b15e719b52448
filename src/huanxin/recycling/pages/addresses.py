"""The office's address-book page: what each jurisdiction's book holds (searchable), the
.xlsx template, and the import with its row-by-row errors (nothing stored on any error)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.recycling import address_list
from huanxin.recycling.service import addresses
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import downloads, uploads
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
PATH = "/recycling/addresses"
Query = Annotated[ListQuery, Depends(list_query)]
Reader = Annotated[Actor, Depends(page_require("recycling:read"))]
Manager = Annotated[Actor, Depends(page_require("recycling:manage"))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024


def _places(session: Session, actor: Actor) -> dict[str, str]:
    """The address books the actor may import into and filter by: 区划代码 → name."""
    within = jurisdictions.list_within(session, actor.scope_codes)
    places = {j.code: j.name for j in within if j.level in ("city", "county")}
    book = addresses.book_code(session, actor.jurisdiction_code)
    return places | {book: jurisdictions.get(session, book).name}


def _filters(jurisdiction_code: Code = "") -> dict[str, str]:
    return {"jurisdiction_code": jurisdiction_code}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _context(
    session: Session,
    actor: Actor,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    places = _places(session, actor)
    stmt, spec = addresses.readable(session, actor), address_list.spec(places)
    page = page_of(
        session, spec, stmt, query or ListQuery(), path=PATH, filters=filters or _filters()
    )
    return {
        "page": page,
        "places": places,
        "error": None,
        "errors": [],
        "can_manage": actor.can("recycling:manage"),
        "default_code": addresses.book_code(session, actor.jurisdiction_code),
        **extra,
    }


@router.get(PATH)
def addresses_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """The address book a page at a time: filter by jurisdiction, search, sort, export."""
    context = _context(session, actor, query, filters)
    return render(request, "recycling/addresses.html", **context)


@router.get(PATH + ".xlsx")
def addresses_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The entries the list shows under the same filter and search, every page, as .xlsx."""
    stmt, spec = addresses.readable(session, actor), address_list.spec(_places(session, actor))
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


@router.get("/recycling/addresses/template.xlsx")
def addresses_template(actor: Reader) -> Response:
    return downloads.download(addresses.template_xlsx(), "地址库模板.xlsx", downloads.XLSX)


@router.post("/recycling/addresses")
def addresses_import(
    request: Request,
    session: DbSession,
    actor: Manager,
    jurisdiction_code: Annotated[Code, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    content = uploads.content(file, MAX_BYTES + 1) if file is not None and file.filename else None

    def change() -> str:
        if content is None:
            raise InvalidInput("请选择 .xlsx 文件", field="file")
        if len(content) > MAX_BYTES:
            raise InvalidInput("文件不能超过5MB", field="file")
        count = addresses.import_xlsx(
            session, actor, jurisdiction_code=jurisdiction_code, content=content
        )
        return f"/recycling/addresses?imported={count}"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _context(session, actor, error=error.message, errors=list(error.rows))
        return render(request, "recycling/addresses.html", **context)

    return kit.submit(request, session, change, page)
