"""Merchant sites pages (Chinese): the merchant's stores with their coordinates and its
tills (terminal ids), and the forms to register them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from huanxin.claims import site_list
from huanxin.claims.service import sites
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Latitude, Line, Longitude, Name
from huanxin.core.clock import today_cn
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.forms import PageForm
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Merchant = Annotated[Actor, Depends(page_require("claims:redeem"))]
Posted = Annotated[FormData, Depends(kit.posted)]


class StoreForm(PageForm):
    """A store to register: its name, address and coordinates (degrees)."""

    store_name: Name = ""
    address: Line = ""
    lat: Latitude
    lon: Longitude


class TillForm(PageForm):
    """A till to register: the store it stands in and its terminal id."""

    store_id: Id
    terminal_id: Name = ""


Query = Annotated[ListQuery, Depends(list_query)]


def _filters(store_id: Code = "") -> dict[str, str]:
    return {"store_id": store_id}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _page(
    request: Request,
    session: DbSession,
    actor: Actor,
    error: kit.PageError | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    stores = sites.stores_of(session, actor)
    spec = site_list.spec({str(s.id): s.name for s in stores})
    page = page_of(
        session,
        spec,
        site_list.readable(actor),
        query or ListQuery(),
        path="/merchant/sites",
        filters=filters if filters is not None else _filters(),
    )
    names = {s.id: s.name for s in stores}
    return render(
        request,
        "claims/sites.html",
        stores=stores,
        names=names,
        page=page,
        error=error,
        form=form or {},
    )


@router.get("/merchant/sites")
def sites_page(
    request: Request, session: DbSession, actor: Merchant, query: Query, filters: Filters
) -> HTMLResponse:
    """The merchant's stores, its tills a page at a time, and the forms to register more."""
    return _page(request, session, actor, query=query, filters=filters)


@router.get("/merchant/sites.xlsx")
def sites_export(session: DbSession, actor: Merchant, query: Query, filters: Filters) -> Response:
    """The tills the list shows under the same filter and search, as .xlsx."""
    spec = site_list.spec({str(s.id): s.name for s in sites.stores_of(session, actor)})
    stmt = site_list.readable(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


@router.post("/merchant/stores")
def store_submit(request: Request, session: DbSession, actor: Merchant, data: Posted) -> Response:
    def change() -> str:
        form = kit.parse(StoreForm, data)
        sites.register_store(
            session, actor, name=form.store_name, address=form.address, lat=form.lat, lon=form.lon
        )
        return "/merchant/sites"

    def page(error: kit.PageError) -> HTMLResponse:
        return _page(request, session, actor, error, kit.text_of(data))

    return kit.submit(request, session, change, page)


@router.post("/merchant/tills")
def till_submit(request: Request, session: DbSession, actor: Merchant, data: Posted) -> Response:
    def change() -> str:
        form = kit.parse(TillForm, data)
        sites.register_till(session, actor, store_id=form.store_id, terminal_id=form.terminal_id)
        return "/merchant/sites"

    def page(error: kit.PageError) -> HTMLResponse:
        return _page(request, session, actor, error, kit.text_of(data))

    return kit.submit(request, session, change, page)
