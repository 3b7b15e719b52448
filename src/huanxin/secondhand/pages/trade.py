"""Chinese pages of used-equipment trading (enterprises and public institutions) and of the
公务仓 (institutions declare and claim; the office reviews, approves and completes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from huanxin.core import orgs
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Line
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.secondhand import listing_list, vocab, warehouse_list
from huanxin.secondhand.pages.forms import fen, number
from huanxin.secondhand.service import common, trading, warehouse
from huanxin.web.deps import DbSession, page_require, page_require_any
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("secondhand:read"))]
Manager = Annotated[Actor, Depends(page_require("secondhand:manage"))]
Trader = Annotated[Actor, Depends(page_require("secondhand:trade"))]
Query = Annotated[ListQuery, Depends(list_query)]
VOCAB: dict[str, Any] = {
    "grades": vocab.GRADES,
    "states": vocab.LISTING_STATES,
    "wh_states": vocab.WAREHOUSE_STATES,
    "wh_routes": vocab.WAREHOUSE_ROUTES,
    "wh_categories": vocab.WAREHOUSE_CATEGORIES,
    "categories": vocab.CATEGORIES,
    "scale_source": vocab.GRADE_SCALE_SOURCE,
}


def _act(
    request: Request,
    session: Session,
    run: Callable[[], Any],
    back: str,
    page: Callable[[str | None], HTMLResponse],
) -> Response:
    def change() -> str:
        run()
        return back

    return kit.submit(request, session, change, lambda error: page(error.message))


def _listing_views(session: Session, actor: Actor) -> Callable[[list[Any]], list[Any]]:
    return lambda rows: [trading.listing_view(session, actor, x) for x in rows]


def _listing_filters(state: Code | None = None, condition: Code = "") -> dict[str, str]:
    """The market's filters from the address; it opens on the listings still open."""
    return {"state": listing_list.OPENING if state is None else state, "condition": condition}


ListingFilters = Annotated[dict[str, str], Depends(_listing_filters)]


def _market(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    page = page_of(
        session,
        listing_list.SPEC,
        trading.readable(actor),
        query or ListQuery(),
        path="/secondhand/trade",
        filters=filters or _listing_filters(),
        view=_listing_views(session, actor),
    )
    return render(
        request,
        "secondhand/trade.html",
        page=page,
        rows=page.rows,
        error=error,
        form=form or {},
        ledger=trading.ledger_choices(session, actor),
        **VOCAB,
    )


@router.get("/secondhand/trade")
def market(
    request: Request, session: DbSession, actor: Trader, query: Query, filters: ListingFilters
) -> HTMLResponse:
    """The listings a page at a time, the open ones first; search, filter, sort, export."""
    return _market(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/trade.xlsx")
def market_export(
    session: DbSession, actor: Trader, query: Query, filters: ListingFilters
) -> Response:
    """The listings the list shows under the same filters and search, every page, as .xlsx."""
    stmt, view = trading.readable(actor), _listing_views(session, actor)
    return export(
        session, listing_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view
    )


@router.get("/secondhand/trade/estimate")
def trade_estimate(request: Request, session: DbSession, actor: Trader) -> HTMLResponse:
    from huanxin.secondhand.pages.dealers import estimate_page

    def page(
        request: Request,
        session: Session,
        actor: Actor,
        error: str | None = None,
        form: dict[str, str] | None = None,
        result: dict[str, Any] | None = None,
    ) -> HTMLResponse:
        return render(
            request,
            "secondhand/consumer.html",
            error=error,
            form=form or {},
            result=result,
            done=None,
            dealers=[],
            action="/secondhand/trade/estimate",
            **VOCAB,
        )

    return estimate_page(request, session, actor, dict(request.query_params), page)


@router.post("/secondhand/trade/listings")
def create_listing(
    request: Request, session: DbSession, actor: Trader, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
    created: list[int] = []

    def run() -> None:
        row = trading.create_listing(
            session,
            actor,
            title=f.get("title", ""),
            category=f.get("category", ""),
            brand=f.get("brand", ""),
            model=f.get("model", ""),
            serial=f.get("serial", ""),
            condition=f.get("condition", ""),
            asking_price_fen=fen(f.get("price", ""), "price"),
            condition_note=f.get("condition_note", ""),
            equipment_ref=f.get("equipment_ref") or None,
        )
        created.append(row.id)

    response = _act(
        request, session, run, "/secondhand/trade", lambda e: _market(request, session, actor, e, f)
    )
    if created:
        return RedirectResponse(f"/secondhand/trade/{created[0]}", status_code=303)
    return response


def _detail(
    request: Request, session: Session, actor: Actor, listing_id: int, error: str | None = None
) -> HTMLResponse:
    listing = trading.get_listing(session, actor, listing_id)
    view = trading.listing_view(session, actor, listing)
    moves = sorted(vocab.LISTING_MOVES.get(listing.state, frozenset()) & trading.SELLER_MOVES)
    return render(
        request,
        "secondhand/listing.html",
        x=view,
        error=error,
        moves=moves,
        mine=listing.seller_org_id == actor.org_id,
        **VOCAB,
    )


@router.get("/secondhand/trade/{listing_id}")
def listing_page(
    listing_id: Id, request: Request, session: DbSession, actor: Trader
) -> HTMLResponse:
    return _detail(request, session, actor, listing_id)


@router.post("/secondhand/trade/{listing_id}/{what}")
def listing_action(
    listing_id: Id,
    what: Line,
    request: Request,
    session: DbSession,
    actor: Trader,
    form: kit.Posted,
) -> Response:
    f = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("photo")
    limit = trading.MAX_PHOTO_BYTES + 1
    data = uploads.content(upload, limit) if isinstance(upload, UploadFile) else b""

    def run() -> None:
        if what == "photos":
            trading.add_photo(session, actor, listing_id=listing_id, data=data)
        elif what == "offers":
            trading.make_offer(
                session, actor, listing_id=listing_id, price_fen=fen(f.get("price", ""), "price")
            )
        elif what == "enquiries":
            trading.enquire(session, actor, listing_id=listing_id, message=f.get("message", ""))
        elif what == "decision":
            trading.decide_offer(
                session,
                actor,
                offer_id=number(f.get("offer_id", ""), "offer_id"),
                accept=f.get("accept") == "yes",
            )
        elif what == "state":
            trading.advance(
                session,
                actor,
                listing_id=listing_id,
                to_state=f.get("to_state", ""),
                note=f.get("note", ""),
            )
        else:
            raise InvalidInput("未知操作", field="action")

    return _act(
        request,
        session,
        run,
        f"/secondhand/trade/{listing_id}",
        lambda e: _detail(request, session, actor, listing_id, e),
    )


def _warehouse(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    *,
    path: str = "/secondhand/warehouse",
    query: ListQuery | None = None,
    chosen: dict[str, str] | None = None,
) -> HTMLResponse:
    """The 公务仓 page: the items a page at a time (opening on those in progress), the
    statistics over every item in scope (computed in SQL)."""
    admin = actor.can("secondhand:read")
    view = partial(_item_views, session)
    filters = chosen or _chosen(None, "")
    stmt = warehouse.readable(actor)
    page = page_of(
        session,
        warehouse_list.SPEC,
        stmt,
        query or ListQuery(),
        path=path,
        filters=filters,
        view=view,
    )
    items = page.rows
    return render(
        request,
        "secondhand/warehouse.html",
        page=page,
        items=items,
        error=error,
        admin=admin,
        member=warehouse.is_institution(session, actor.org_id),
        stats=warehouse.statistics(session, actor) if admin else [],
        recyclers=orgs.list_for(session, actor, "recycler") if admin else [],
        steps={i.id: common.steps_of(session, "warehouse", i.id) for i in items},
        **VOCAB,
    )


def _item_views(session: Session, rows: list[Any]) -> list[warehouse.ItemView]:
    return [warehouse.item_view(session, i) for i in rows]


def _chosen(state: str | None, category: str) -> dict[str, str]:
    return {"state": warehouse_list.OPENING if state is None else state, "category": category}


@router.get("/secondhand/warehouse")
def warehouse_page(
    request: Request,
    session: DbSession,
    actor: Trader,
    query: Query,
    state: Code | None = None,
    category: Code = "",
) -> HTMLResponse:
    chosen = _chosen(state, category)
    return _warehouse(request, session, actor, query=query, chosen=chosen)


@router.get("/secondhand/warehouse/admin")
def warehouse_admin(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    state: Code | None = None,
    category: Code = "",
) -> HTMLResponse:
    chosen = _chosen(state, category)
    path = "/secondhand/warehouse/admin"
    return _warehouse(request, session, actor, path=path, query=query, chosen=chosen)


@router.get("/secondhand/warehouse.xlsx")
def warehouse_export(
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require_any("secondhand:trade", "secondhand:read"))],
    query: Query,
    state: Code | None = None,
    category: Code = "",
) -> Response:
    """The items the list shows under the same filters and search, every page, as .xlsx."""
    view = partial(_item_views, session)
    stmt, chosen = warehouse.readable(actor), _chosen(state, category)
    spec = warehouse_list.SPEC
    return export(session, spec, stmt, query, filters=chosen, on=today_cn(), view=view)


@router.post("/secondhand/warehouse/declare")
def declare(request: Request, session: DbSession, actor: Trader, posted: kit.Posted) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        warehouse.declare(
            session,
            actor,
            asset_no=f.get("asset_no", ""),
            category=f.get("category", ""),
            brand=f.get("brand", ""),
            model=f.get("model", ""),
            serial=f.get("serial", ""),
            acquired_year=number(f.get("acquired_year", ""), "acquired_year"),
        )

    return _act(
        request,
        session,
        run,
        "/secondhand/warehouse",
        lambda e: _warehouse(request, session, actor, e),
    )


@router.post("/secondhand/warehouse/{item_id}/claim")
def claim(
    item_id: Id, request: Request, session: DbSession, actor: Trader, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
    return _act(
        request,
        session,
        lambda: warehouse.claim(session, actor, item_id=item_id, note=f.get("note", "")),
        "/secondhand/warehouse",
        lambda e: _warehouse(request, session, actor, e),
    )


@router.post("/secondhand/warehouse/{item_id}/office/{what}")
def office_step(
    item_id: Id,
    what: Line,
    request: Request,
    session: DbSession,
    actor: Manager,
    posted: kit.Posted,
) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        if what == "review":
            warehouse.review(
                session,
                actor,
                item_id=item_id,
                accept=f.get("accept") == "yes",
                note=f.get("note", ""),
            )
        elif what == "approve":
            recycler = f.get("recycler_org_id", "")
            warehouse.approve(
                session,
                actor,
                item_id=item_id,
                route=f.get("route", ""),
                recycler_org_id=int(recycler) if recycler.isdigit() else None,
                note=f.get("note", ""),
            )
        elif what == "complete":
            proceeds = f.get("proceeds", "")
            warehouse.complete(
                session,
                actor,
                item_id=item_id,
                certificate_no=f.get("certificate_no") or None,
                proceeds_fen=fen(proceeds, "proceeds") if proceeds else None,
                note=f.get("note", ""),
            )
        elif what == "release":
            warehouse.release_claim(session, actor, item_id=item_id, note=f.get("note", ""))
        else:
            raise InvalidInput("未知操作", field="action")

    return _act(
        request,
        session,
        run,
        "/secondhand/warehouse/admin",
        lambda e: _warehouse(request, session, actor, e),
    )
