"""Pages of the statutory clocks (Chinese): overdue claims, deadlines coming up and the
on-time report per department and month; the office accepts (受理) an application."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.claims import clock_list
from huanxin.claims.models import Claim
from huanxin.claims.service import clocks, overdue
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Year
from huanxin.core.clock import today_cn
from huanxin.core.vocab import CATEGORIES
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.downloads import XLSX, download
from huanxin.web.kit.lists import EXPORT_MAX, ListQuery, list_query, xlsx
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


PATH = "/clocks"
Reader = Annotated[Actor, Depends(page_require("clocks:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(state: Code | None = None, step: Code = "", category: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the steps past their deadline."""
    chosen = clock_list.OPENING if state is None else state
    return {"state": chosen, "step": step, "category": category}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _steps(session: DbSession, actor: Actor, filters: dict[str, str]) -> list[overdue.Late]:
    category = filters.get("category", "")
    narrow = None
    if category in CATEGORIES.labels:
        narrow = lambda stmt: stmt.where(Claim.category == category)  # noqa: E731
    return overdue.running_steps(session, actor, today_cn(), narrow=narrow)


@router.get(PATH)
def clocks_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    filters: Filters,
    year: Year | None = None,
) -> HTMLResponse:
    """Running deadlines a page at a time (the overdue first), and the on-time report."""
    today = today_cn()
    year = year or today.year
    found, error = kit.outcome(lambda: overdue.report(session, actor, year=year, today=today))
    every = overdue.running_steps(session, actor, today)
    horizon = overdue.horizon(session, today)
    counts = {
        view: len(clock_list.choose(every, {"state": view}, "", horizon=horizon))
        for view in ("overdue", "soon")
    }
    page = clock_list.page(every, query, filters, path=PATH, horizon=horizon)
    return render(
        request,
        "claims/clocks.html",
        page=page,
        counts=counts,
        rows=found or [],
        year=year,
        years=list(range(today.year - 2, today.year + 1)),
        error=error,
    )


@router.get(PATH + ".xlsx")
def clocks_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The steps the list shows under the same filters and search, every page, as .xlsx."""
    today = today_cn()
    chosen = clock_list.choose(
        _steps(session, actor, filters), filters, query.q, horizon=overdue.horizon(session, today)
    )
    rows, _ = clock_list.ordered(chosen, query.sort)
    content = xlsx(clock_list.SPEC, rows[:EXPORT_MAX])
    return download(content, f"{clock_list.SPEC.title}-{today.isoformat()}.xlsx", XLSX)


@router.post("/claims/{claim_id}/accept")
def claim_accept(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:review"))],
) -> Response:
    def change() -> str:
        clocks.accept(session, actor, claim_id=claim_id)
        return f"/claims/{claim_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return render(request, "error.html", message=error.message)

    return kit.submit(request, session, change, page)


def clock_context(session: DbSession, actor: Actor, claim: Claim) -> dict[str, Any]:
    """What the claim page shows of its clock, and whether the office can accept it now."""
    steps = clocks.steps_for(session, [claim], today_cn()).get(claim.id, [])
    waiting = any(s.step == "accept" and s.done_on is None for s in steps)
    can_accept = waiting and claim.state == "submitted" and actor.can("claims:review")
    return {"clock": steps, "can_accept": can_accept}
