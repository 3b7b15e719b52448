"""Pages of the federation (Chinese): this province's queue of cross-province matches and
the decision on each (keep or withdraw our claim)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.claims.api import LABELS
from huanxin.claims.service import common
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.federation import matches
from huanxin.federation.errors import RegistryUnavailable
from huanxin.federation.service import KIND_LABELS
from huanxin.federation.wiring import federation_for
from huanxin.web.deps import DbSession, get_database, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Actor, Depends(page_require("claims:review"))]


def _queue_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    closed: bool,
    error: kit.PageError | None = None,
) -> HTMLResponse:
    rows = matches.queue(session, actor, include_closed=closed)
    claims = {m.claim_id: common.get_claim(session, actor, m.claim_id) for m in rows}
    return render(
        request,
        "federation/matches.html",
        rows=rows,
        claims=claims,
        closed=closed,
        error=error,
        connected=federation_for(get_database(request).engine) is not None,
        kinds=KIND_LABELS,
        sides=matches.SIDE_LABELS,
        statuses=matches.STATUS_LABELS,
        outcomes=matches.OUTCOME_LABELS,
        short=matches.DISPOSITION_SHORT,
        claim_states=LABELS,
    )


@router.get("/federation/matches")
def queue_page(
    request: Request, session: DbSession, actor: Reviewer, closed: bool = False
) -> HTMLResponse:
    return _queue_page(request, session, actor, closed=closed)


@router.post("/federation/matches/{match_id}/decision")
def decide_submit(
    match_id: Id,
    request: Request,
    session: DbSession,
    actor: Reviewer,
    disposition: Annotated[Code, Form()] = "",
) -> Response:
    fed = federation_for(get_database(request).engine)

    def change() -> str:
        if fed is None:
            raise RegistryUnavailable("本平台未接入全国补贴登记中心")
        matches.resolve(session, actor, fed, match_id=match_id, disposition=disposition)
        return "/federation/matches"

    return kit.submit(
        request,
        session,
        change,
        lambda e: _queue_page(request, session, actor, closed=False, error=e),
    )
