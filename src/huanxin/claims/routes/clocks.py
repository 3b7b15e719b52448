"""API of the statutory clocks: a claim's deadlines, its acceptance, the overdue list, the
steps due soon and the on-time report per department and month (JSON and .xlsx)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from huanxin.claims.errors import AcceptanceNotNeeded, ReportYearInvalid
from huanxin.claims.schemas import ClaimClockRead, ClockReportRow, ClockStepRead, LateStepRead
from huanxin.claims.service import clocks, overdue
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, Year
from huanxin.core.clock import today_cn
from huanxin.core.errors import NotFound
from huanxin.web.deps import DbSession, require, require_any
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged
from huanxin.web.kit.downloads import XLSX, download
from huanxin.web.openapi import download as download_doc
from huanxin.web.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["clocks"])
ClockReader = Annotated[Actor, Depends(require("clocks:read"))]


def clock_read(claim_id: int, steps: list[clocks.Step]) -> ClaimClockRead:
    return ClaimClockRead(claim_id=claim_id, steps=[ClockStepRead.of(s) for s in steps])


@router.get("/claims/{claim_id}/clock", response_model=ClaimClockRead, responses=errors(NotFound))
def claim_clock(
    claim_id: Id,
    actor: Annotated[Actor, Depends(require_any("claims:read", "claims:own"))],
    session: DbSession,
) -> ClaimClockRead:
    return clock_read(claim_id, clocks.clock(session, actor, claim_id))


@router.post(
    "/claims/{claim_id}/accept",
    response_model=ClaimClockRead,
    responses=errors(NotFound, AcceptanceNotNeeded),
)
@idempotent("claims.accept.{claim_id}")
def accept_claim(
    claim_id: Id,
    actor: Annotated[Actor, Depends(require("claims:review"))],
    session: DbSession,
) -> ClaimClockRead:
    clocks.accept(session, actor, claim_id=claim_id)
    return clock_read(claim_id, clocks.clock(session, actor, claim_id))


def _late_read(rows: list[overdue.Late]) -> list[LateStepRead]:
    return [
        LateStepRead(
            claim_id=r.claim.id,
            jurisdiction_code=r.claim.jurisdiction_code,
            category=r.claim.category,
            step=r.step.step,
            label=r.step.label,
            due=r.step.due,
            workdays_late=r.workdays_late,
            department=r.department,
        )
        for r in rows
    ]


@router.get("/clocks/overdue", response_model=list[LateStepRead])
def overdue_steps(actor: ClockReader, session: DbSession, paged: Paged) -> list[LateStepRead]:
    return _late_read(paged.slice(overdue.overdue(session, actor, today_cn())))


@router.get("/clocks/due-soon", response_model=list[LateStepRead])
def due_soon_steps(actor: ClockReader, session: DbSession, paged: Paged) -> list[LateStepRead]:
    return _late_read(paged.slice(overdue.due_soon(session, actor, today_cn())))


def report_rows(rows: list[overdue.ReportRow]) -> list[ClockReportRow]:
    return [
        ClockReportRow(
            month=r.month,
            department=r.department,
            due=r.due,
            on_time=r.on_time,
            late=r.late,
            overdue=r.overdue,
            on_time_rate=r.rate_text,
        )
        for r in rows
    ]


@router.get(
    "/clocks/report",
    response_model=list[ClockReportRow],
    responses=errors(ReportYearInvalid),
)
def clock_report(actor: ClockReader, session: DbSession, year: Year) -> list[ClockReportRow]:
    return report_rows(overdue.report(session, actor, year=year, today=today_cn()))


@router.get(
    "/clocks/report.xlsx",
    response_class=Response,
    responses={**download_doc(XLSX), **errors(ReportYearInvalid)},
)
def clock_report_xlsx(actor: ClockReader, session: DbSession, year: Year) -> Response:
    rows = overdue.report(session, actor, year=year, today=today_cn())
    return download(overdue.report_xlsx(rows, year), f"{year}年办理时限报表.xlsx", XLSX)
