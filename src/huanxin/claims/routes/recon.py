"""API of reconciliation (bank and card-organisation files against payments and claims, the
mismatches and what was done about them) and of merchant statements (months closed by
finance; a statement as JSON, .xlsx or PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response

from huanxin.claims.errors import (
    PeriodNotEnded,
    ReconFileInvalid,
    ReconLineSettled,
    ReconRowOutsideJurisdiction,
    StatementPeriodOpen,
)
from huanxin.claims.models import ReconFile
from huanxin.claims.schemas import (
    ClosedMonthRead,
    CloseMonthBody,
    ReconFileRead,
    ReconLineRead,
    ResolveBody,
    StatementRead,
)
from huanxin.claims.service import reconcile, statement_files, statements
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.errors import InvalidInput, NotFound
from huanxin.web.deps import DbSession, require, require_any
from huanxin.web.idem import idempotent, upload_digest
from huanxin.web.kit import uploads
from huanxin.web.kit.api_lists import Paged
from huanxin.web.kit.downloads import PDF, XLSX, download
from huanxin.web.openapi import download as download_doc
from huanxin.web.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["reconciliation"])
Reader = Annotated[Actor, Depends(require("settlement:read"))]
Writer = Annotated[Actor, Depends(require("settlement:write"))]
StatementReader = Annotated[Actor, Depends(require_any("statements:own", "settlement:read"))]


def lines_read(lines: Sequence[object]) -> list[ReconLineRead]:
    return [ReconLineRead.of(x, reconcile.OUTCOME_LABELS) for x in lines]


def file_read(file: ReconFile, lines: list[object], repeated: bool = False) -> ReconFileRead:
    return ReconFileRead(
        id=file.id,
        kind=file.kind,
        kind_label=reconcile.KIND_LABELS[file.kind],
        filename=file.filename,
        rows=file.rows,
        matched=file.matched,
        mismatched=file.mismatched,
        repeated=repeated,
        lines=lines_read(lines),
    )


@router.post(
    "/reconciliation/files",
    response_model=ReconFileRead,
    responses=errors(ReconFileInvalid, ReconRowOutsideJurisdiction),
)
@idempotent(
    "reconciliation.import",
    payload=lambda kind, file: {"kind": kind, "sha256": upload_digest(file)},
)
def import_reconciliation(
    actor: Writer,
    session: DbSession,
    kind: Annotated[Code, Form()],
    file: Annotated[UploadFile, File()],
) -> ReconFileRead:
    content, name = uploads.content(file), file.filename or "file.csv"
    row, repeated = reconcile.reconcile(session, actor, kind=kind, filename=name, content=content)
    _, lines = reconcile.file_with_lines(session, actor, file_id=row.id)
    return file_read(row, list(lines), repeated)


@router.get("/reconciliation/files", response_model=list[ReconFileRead])
def reconciliation_files(actor: Reader, session: DbSession, paged: Paged) -> list[ReconFileRead]:
    return [file_read(f, []) for f in reconcile.files(session, actor, pager=paged.of(session))]


@router.get(
    "/reconciliation/files/{file_id}",
    response_model=ReconFileRead,
    responses=errors(NotFound),
)
def reconciliation_file(file_id: Id, actor: Reader, session: DbSession) -> ReconFileRead:
    file, lines = reconcile.file_with_lines(session, actor, file_id=file_id)
    return file_read(file, list(lines))


@router.get("/reconciliation/mismatches", response_model=list[ReconLineRead])
def reconciliation_mismatches(
    actor: Reader, session: DbSession, paged: Paged, open_only: bool = True
) -> list[ReconLineRead]:
    pager = paged.of(session)
    return lines_read(reconcile.mismatches(session, actor, open_only=open_only, pager=pager))


@router.post(
    "/reconciliation/lines/{line_id}/resolve",
    response_model=ReconLineRead,
    responses=errors(NotFound, InvalidInput, ReconLineSettled),
)
@idempotent("reconciliation.resolve.{line_id}")
def resolve_line(
    line_id: Id, body: ResolveBody, actor: Writer, session: DbSession
) -> ReconLineRead:
    line = reconcile.resolve(session, actor, line_id=line_id, note=body.note)
    return lines_read([line])[0]


@router.get(
    "/reconciliation/templates/{kind}.xlsx",
    response_class=Response,
    responses={**download_doc(XLSX), **errors(InvalidInput)},
)
def reconciliation_template(kind: Code, actor: Reader) -> Response:
    content = reconcile.template_xlsx(kind)  # refuses an unknown kind
    return download(content, f"{reconcile.KIND_LABELS[kind].replace('/', '、')}模板.xlsx", XLSX)


@router.post(
    "/statements/months",
    response_model=ClosedMonthRead,
    responses=errors(InvalidInput, PeriodNotEnded),
)
@idempotent("statements.close")
def close_month(body: CloseMonthBody, actor: Writer, session: DbSession) -> ClosedMonthRead:
    row = statements.close_month(session, actor, month=body.month)
    return ClosedMonthRead(jurisdiction_code=row.jurisdiction_code, month=row.month)


@router.get("/statements/months", response_model=list[ClosedMonthRead])
def closed_months(
    actor: StatementReader, session: DbSession, paged: Paged
) -> list[ClosedMonthRead]:
    return [
        ClosedMonthRead(jurisdiction_code=r.jurisdiction_code, month=r.month)
        for r in paged.slice(statements.closed_months(session, actor))
    ]


STATEMENT_ERRORS = errors(NotFound, InvalidInput, StatementPeriodOpen)


@router.get(
    "/statements/{month}.xlsx",
    response_class=Response,
    responses={**download_doc(XLSX), **STATEMENT_ERRORS},
)
def statement_xlsx(
    month: Code, actor: StatementReader, session: DbSession, merchant_id: Id | None = None
) -> Response:
    s = statements.statement(session, actor, month=month, merchant_id=merchant_id)
    return download(statement_files.to_xlsx(s), f"{s.merchant.name}{month}对账单.xlsx", XLSX)


@router.get(
    "/statements/{month}.pdf",
    response_class=Response,
    responses={**download_doc(PDF), **STATEMENT_ERRORS},
)
def statement_pdf(
    month: Code, actor: StatementReader, session: DbSession, merchant_id: Id | None = None
) -> Response:
    s = statements.statement(session, actor, month=month, merchant_id=merchant_id)
    return download(statement_files.to_pdf(s), f"{s.merchant.name}{month}对账单.pdf", PDF)


@router.get("/statements/{month}", response_model=StatementRead, responses=STATEMENT_ERRORS)
def statement(
    month: Code, actor: StatementReader, session: DbSession, merchant_id: Id | None = None
) -> StatementRead:
    s = statements.statement(session, actor, month=month, merchant_id=merchant_id)
    f = s.figures
    return StatementRead(
        merchant_id=s.merchant.id,
        merchant_name=s.merchant.name,
        month=s.month,
        opening_fen=s.opening_fen,
        sales_count=f.sales_count,
        sales_fen=f.sales_fen,
        subsidies_fen=f.subsidies_fen,
        reversed_fen=f.reversed_fen,
        paid_fen=f.paid_fen,
        clawed_back_fen=f.clawed_back_fen,
        closing_fen=s.closing_fen,
    )
