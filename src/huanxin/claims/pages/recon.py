"""Pages of reconciliation and merchant statements (Chinese): finance imports the bank's and
the card organisation's files and records what was done about each mismatch; finance closes a
month; a merchant (or finance and the office, for any merchant of their scope) downloads the
statement of a closed month as .xlsx or PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from huanxin.claims import recon_list
from huanxin.claims.models import ReconFile, ReconLine
from huanxin.claims.service import reconcile, statements
from huanxin.core import orgs
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.core.models import Organization
from huanxin.web.deps import DbSession, page_require, page_require_any
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


PATH = "/reconciliation"
Reader = Annotated[Actor, Depends(page_require("settlement:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(state: Code | None = None, outcome: Code = "", kind: Code = "") -> dict[str, str]:
    """The list's filters from the address; the page opens on the lines waiting for action."""
    chosen = recon_list.OPENING if state is None else state
    return {"state": chosen, "outcome": outcome, "kind": kind}


def _file_filters(state: Code = "", outcome: Code = "") -> dict[str, str]:
    """One file's lines: all of them unless a state or outcome is chosen."""
    return {"state": state, "outcome": outcome}


Filters = Annotated[dict[str, str], Depends(_filters)]
FileFilters = Annotated[dict[str, str], Depends(_file_filters)]


def _recon_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    error: str | None = None,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    file: ReconFile | None = None,
) -> HTMLResponse:
    stmt, path = reconcile.readable_lines(actor), PATH
    if file is not None:
        stmt, path = stmt.where(ReconLine.file_id == file.id), f"{PATH}/files/{file.id}"
    page = page_of(
        session,
        recon_list.SPEC,
        stmt,
        query or ListQuery(),
        path=path,
        filters=filters if filters is not None else _filters(),
        view=recon_list.rows_of(session),
    )
    return render(
        request,
        "claims/reconciliation.html",
        page=page,
        open_count=reconcile.open_count(session, actor),
        files=reconcile.files(session, actor) if file is None else [],
        shown=file,
        kinds=reconcile.KIND_LABELS,
        outcomes=reconcile.OUTCOME_LABELS,
        error=error,
    )


@router.get(PATH)
def reconciliation_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """Every reconciliation line a page at a time, opening on the mismatches to act on."""
    return _recon_page(request, session, actor, query=query, filters=filters)


@router.get(PATH + ".xlsx")
def reconciliation_export(
    session: DbSession, actor: Reader, query: Query, filters: Filters
) -> Response:
    """The lines the list shows under the same filters and search, every page, as .xlsx."""
    stmt, view = reconcile.readable_lines(actor), recon_list.rows_of(session)
    return export(session, recon_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view)


@router.get("/reconciliation/files/{file_id}")
def reconciliation_file_page(
    file_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    filters: FileFilters,
) -> HTMLResponse:
    """One imported file: its counts and its lines, a page at a time."""
    file = reconcile.file_of(session, actor, file_id)
    return _recon_page(request, session, actor, query=query, filters=filters, file=file)


@router.get("/reconciliation/files/{file_id}/lines.xlsx")
def reconciliation_file_export(
    file_id: Id, session: DbSession, actor: Reader, query: Query, filters: FileFilters
) -> Response:
    """One file's lines under the same filters and search, as .xlsx."""
    file = reconcile.file_of(session, actor, file_id)
    stmt = reconcile.readable_lines(actor).where(ReconLine.file_id == file.id)
    view = recon_list.rows_of(session)
    return export(session, recon_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/reconciliation/files")
def reconciliation_upload(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
    kind: Annotated[Code, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    content = uploads.content(file) if file is not None else b""

    def change() -> str:
        if file is None or not file.filename:
            raise InvalidInput("请选择 .xlsx 或 .csv 对账文件", field="file")
        row, _ = reconcile.reconcile(
            session, actor, kind=kind, filename=file.filename, content=content
        )
        return f"/reconciliation/files/{row.id}"

    return kit.submit(request, session, change, _recon_again(request, session, actor))


@router.post("/reconciliation/lines/{line_id}/resolve")
def reconciliation_resolve(
    line_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
    note: Annotated[Text, Form()] = "",
) -> Response:
    def change() -> str:
        reconcile.resolve(session, actor, line_id=line_id, note=note)
        return "/reconciliation"

    return kit.submit(request, session, change, _recon_again(request, session, actor))


def _recon_again(
    request: Request, session: DbSession, actor: Actor
) -> Callable[[kit.PageError], Response]:
    return lambda error: _recon_page(request, session, actor, error=str(error))


def _merchants(session: DbSession, actor: Actor) -> list[Organization]:
    if actor.role == "merchant":
        return [statements.merchant_of(session, actor, None)]
    stmt = orgs.readable(actor, "merchant").order_by(Organization.name).limit(500)
    return list(session.scalars(stmt))


def _statement_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "claims/statements.html",
        months=statements.closed_months(session, actor),
        merchants=_merchants(session, actor),
        error=error,
    )


@router.get("/statements")
def statements_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("statements:own", "settlement:read"))],
) -> HTMLResponse:
    return _statement_page(request, session, actor)


@router.post("/statements/months")
def statements_close(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("settlement:write"))],
    month: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        statements.close_month(session, actor, month=month)
        return "/statements"

    def page(error: kit.PageError) -> Response:
        return _statement_page(request, session, actor, error=str(error))

    return kit.submit(request, session, change, page)
