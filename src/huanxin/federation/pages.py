"""Pages of the federation (Chinese): this province's queue of cross-province matches and
the decision on each (keep or withdraw our claim)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.claims.api import LABELS
from huanxin.claims.service import common
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import today_cn
from huanxin.federation import match_list, matches
from huanxin.federation.errors import RegistryUnavailable
from huanxin.federation.wiring import federation_for
from huanxin.web.deps import DbSession, get_database, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Actor, Depends(page_require("claims:review"))]


Query = Annotated[ListQuery, Depends(list_query)]
PATH = "/federation/matches"


def _filters(state: Code | None = None, kind: Code = "", side: Code = "") -> dict[str, str]:
    """The queue's filters from the address; it opens on the matches awaiting our decision."""
    chosen = match_list.OPENING if state is None else state
    return {"state": chosen, "kind": kind, "side": side}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _view(session: DbSession, actor: Actor) -> Any:
    return match_list.rows_of(lambda claim_id: common.get_claim(session, actor, claim_id))


def _queue_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
    error: kit.PageError | None = None,
) -> HTMLResponse:
    page = page_of(
        session,
        match_list.SPEC,
        matches.readable(actor),
        query or ListQuery(),
        path=PATH,
        filters=filters if filters is not None else _filters(),
        view=_view(session, actor),
    )
    return render(
        request,
        "federation/matches.html",
        page=page,
        error=error,
        connected=federation_for(get_database(request).engine) is not None,
        kinds=match_list.KINDS,
        sides=matches.SIDE_LABELS,
        claim_states=LABELS,
    )


@router.get(PATH)
def queue_page(
    request: Request, session: DbSession, actor: Reviewer, query: Query, filters: Filters
) -> HTMLResponse:
    """Matches a page at a time, those awaiting our decision first; filter, search, export."""
    return _queue_page(request, session, actor, query=query, filters=filters)


@router.get(PATH + ".xlsx")
def queue_export(session: DbSession, actor: Reviewer, query: Query, filters: Filters) -> Response:
    """The matches the list shows under the same filters and search, as .xlsx."""
    stmt, view = matches.readable(actor), _view(session, actor)
    return export(session, match_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view)


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
        lambda e: _queue_page(request, session, actor, error=e),
    )
