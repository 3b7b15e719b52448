"""Pages of the subsidy programmes (Chinese): every stored version in scope as a list a page
at a time (opening on those in force), and one version's rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import today_cn
from huanxin.policy import programme_list
from huanxin.policy import service as policies
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
PATH = "/programmes"
Reader = Annotated[Actor, Depends(page_require("policy:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(state: Code | None = None, level: Code = "", mode: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the versions in force today."""
    chosen = programme_list.OPENING if state is None else state
    return {"state": chosen, "level": level, "mode": mode}


Filters = Annotated[dict[str, str], Depends(_filters)]


@router.get(PATH)
def programmes_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """Programme versions a page at a time: search by name, filter, sort, export."""
    places = programme_list.places(session)
    stmt = policies.readable_versions(session, actor.scope_codes)
    spec = programme_list.spec(places)
    page = page_of(session, spec, stmt, query, path=PATH, filters=filters)
    states = {r.id: programme_list.state_of(r) for r in page.rows}
    return render(request, "policy/programmes.html", page=page, places=places, states=states)


@router.get(PATH + ".xlsx")
def programmes_export(
    session: DbSession, actor: Reader, query: Query, filters: Filters
) -> Response:
    """The versions the list shows under the same filters and search, as .xlsx."""
    stmt = policies.readable_versions(session, actor.scope_codes)
    spec = programme_list.spec(programme_list.places(session))
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


@router.get(PATH + "/{version_id}")
def programme_page(
    version_id: Id, request: Request, session: DbSession, actor: Reader
) -> HTMLResponse:
    """One version's rules: amounts, caps, eligibility, quota, funding split and sources."""
    row, programme = policies.version_by_id(session, actor.scope_codes, version_id)
    titles = {p.id: p.title for p in policies.visible_programmes(session, actor.scope_codes)}
    return render(
        request,
        "policy/programme.html",
        p=programme,
        row=row,
        state=programme_list.state_of(row),
        titles=titles,
    )
