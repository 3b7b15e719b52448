"""Pages of the statutory clocks (Chinese): overdue claims, deadlines coming up and the
on-time report per department and month; the office accepts (受理) an application."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.claims.models import Claim
from huanxin.claims.service import clocks, overdue
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, Year
from huanxin.core.clock import today_cn
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/clocks")
def clocks_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("clocks:read"))],
    year: Year | None = None,
) -> HTMLResponse:
    today = today_cn()
    year = year or today.year
    found, error = kit.outcome(lambda: overdue.report(session, actor, year=year, today=today))
    rows = found or []
    return render(
        request,
        "claims/clocks.html",
        late=overdue.overdue(session, actor, today)[:200],
        soon=overdue.due_soon(session, actor, today)[:200],
        rows=rows,
        year=year,
        years=list(range(today.year - 2, today.year + 1)),
        error=error,
    )


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
