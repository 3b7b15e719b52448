"""Operator pages of the recycling domain: pickup completion with weighing and payment,
the reverse invoice and the network overview. The network's forms are in
``pages.network``; weighings and the reports (mass balance, declarations, indicators
against the 2023 baseline) in ``pages.flows``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Name
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.recycling import site_list
from huanxin.recycling.models import Booking
from huanxin.recycling.qr import qr_svg
from huanxin.recycling.service import bookings, completion, network, receipts
from huanxin.recycling.vocab import (
    CATEGORIES,
    CONDITIONS,
    PAYMENT_METHODS,
    TIERS,
    clock_text,
    grams,
)
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Operator = Annotated[Actor, Depends(page_require("recycling:operate"))]
Reader = Annotated[Actor, Depends(page_require("recycling:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


FIELD_LABELS = {
    "seller_name": "出售人姓名",
    "seller_resident_id": "出售人身份证号码",
    "amount": "开票金额",
    "pickup_id": "回收记录",
    "issued_on": "开票日期",
    "weight_kg": "实称重量",
    "units": "数量",
    "condition": "成色",
    "category": "品类",
    "payment_method": "付款方式",
    "site_id": "交货站点",
    "status": "预约状态",
    "lines": "称重明细",
    "early_reason": "提前上门原因",
    "completed_on": "完成日期",
}


def _message(exc: kit.PageError) -> str:
    """The refusal naming the field by its label: ``实称重量：重量必须大于0千克``."""
    name = (exc.field or "").rsplit(".", 1)[-1]
    return f"{FIELD_LABELS[name]}：{exc.reason}" if name in FIELD_LABELS else exc.message


def _pickup_context(
    request: Request, session: DbSession, actor: Actor, booking_id: int, **extra: Any
) -> dict[str, Any]:
    booking = bookings.get_booking(session, actor, booking_id)
    record = receipts.record_for(session, booking.id)
    base = str(request.base_url).rstrip("/")
    qrs = {
        c.number: qr_svg(base + c.check_path, title=f"回收证明{c.number}查验二维码")
        for c in (record.certificates if record else [])
    }
    return {
        "booking": asdict(bookings.booking_view(session, booking)),
        "conditions": CONDITIONS,
        "methods": PAYMENT_METHODS,
        "categories": CATEGORIES,
        "error": None,
        "record": record,
        "qrs": qrs,
        "invoice_error": None,
        "invoice_form": {},
        "can_operate": actor.can("recycling:operate"),
        "phone": _callable_phone(actor, booking),
        "early": booking.service_date > today_cn(),
        "sites": _delivery_sites(session, actor, booking.status),
        **extra,
    }


def _callable_phone(actor: Actor, booking: Booking) -> str | None:
    """The masked mobile with its tap-to-call link, for those who may call (driver, dispatcher)."""
    if actor.can("recycling:operate") or actor.can("recycling:manage"):
        return bookings.masked_phone(booking)
    return None


def _delivery_sites(session: DbSession, actor: Actor, status: str) -> list[Any]:
    """Where an unplanned pickup is delivered: the operator picks one of its transfer
    stations (a planned pickup goes to its vehicle's home station)."""
    if status == "planned" or not actor.can("recycling:operate"):
        return []
    return network.sites_for(session, actor, tier="transfer")


def _site_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 19 else None


@router.get("/recycling/pickup/{booking_id}")
def pickup_page(
    request: Request, session: DbSession, booking_id: Id, actor: Reader
) -> HTMLResponse:
    context = _pickup_context(request, session, actor, booking_id)
    return render(request, "recycling/pickup.html", **context)


def _lines(form: dict[str, str], count: int) -> list[completion.LineIn]:
    lines = []
    for n in range(count):
        code = form.get(f"category{n}", "")
        cat = CATEGORIES.get(code)
        try:
            units = int(form.get(f"units{n}") or "1")
        except ValueError:
            raise InvalidInput("数量必须是整数", field=f"lines[{n}].units") from None
        condition = (
            form.get(f"condition{n}", "intact") if cat and cat.kind == "appliance" else "any"
        )
        lines.append(
            completion.LineIn(
                code,
                condition,
                units,
                grams(form.get(f"weight{n}", ""), field=f"lines[{n}].weight_kg"),
            )
        )
    return lines


@router.post("/recycling/pickup/{booking_id}")
def pickup_submit(
    request: Request,
    session: DbSession,
    booking_id: Id,
    actor: Operator,
    posted: kit.Posted,
) -> Response:
    form = kit.text_of(posted)

    def change() -> str:
        count = len(bookings.items_of(session, booking_id))
        pickup, _ = completion.complete_pickup(
            session,
            actor,
            booking_id=booking_id,
            lines=_lines(form, count),
            payment_method=form.get("payment_method", ""),
            payment_ref=form.get("payment_ref", ""),
            early_reason=form.get("early_reason", ""),
            site_id=_site_id(form.get("site_id", "")),
        )
        return f"/recycling/pickup/{pickup.booking_id}?saved=pickup"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _pickup_context(request, session, actor, booking_id, error=_message(error))
        return render(request, "recycling/pickup.html", **context)

    return kit.submit(request, session, change, page)


@router.post("/recycling/pickups/{pickup_id}/invoice")
def invoice_submit(
    request: Request,
    session: DbSession,
    pickup_id: Id,
    actor: Operator,
    seller_name: Annotated[Name, Form()] = "",
    seller_resident_id: Annotated[Code, Form()] = "",
) -> Response:
    """Issue the reverse invoice; a refusal re-shows the pickup page with the form kept."""
    booking_id = completion.get_pickup(session, actor, pickup_id).booking_id

    def change() -> str:
        completion.issue_reverse_invoice(
            session,
            actor,
            pickup_id=pickup_id,
            seller_name=seller_name,
            seller_resident_id=seller_resident_id,
        )
        return f"/recycling/pickup/{booking_id}?saved=invoice"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _pickup_context(
            request,
            session,
            actor,
            booking_id,
            invoice_error=_message(error),
            invoice_form={"seller_name": seller_name, "seller_resident_id": seller_resident_id},
        )
        return render(request, "recycling/pickup.html", **context)

    return kit.submit(request, session, change, page)


def _places(session: DbSession, actor: Actor) -> dict[str, str]:
    """The places the caller may filter the sites by (区划代码 → name)."""
    return {j.code: j.name for j in jurisdictions.list_within(session, actor.scope_codes)}


def _site_filters(tier: Code = "", place: Code = "", active: Code = "") -> dict[str, str]:
    return {"tier": tier, "place": place, "active": active}


SiteFilters = Annotated[dict[str, str], Depends(_site_filters)]


@router.get("/recycling/network")
def network_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: SiteFilters
) -> HTMLResponse:
    """The sites a page at a time (search, filter, sort, export), vehicles and price lists."""
    page = page_of(
        session,
        site_list.spec(_places(session, actor)),
        network.readable_sites(actor),
        query,
        path="/recycling/network",
        filters=filters,
    )
    sites = network.sites_for(session, actor)
    vehicles = network.all_vehicles_for(session, actor)
    prices: list[tuple[str, str, int]] = []
    price_list = None
    price_list, _ = kit.outcome(
        lambda: network.price_list_in_force(session, actor.jurisdiction_code, today_cn())
    )
    if price_list is not None:
        found = network.prices_of(session, price_list.id)
        prices = [(c, k, f) for (c, k), f in sorted(found.items())]
    names = {s.id: s.name for s in sites}
    versions = [
        (v, len(network.prices_of(session, v.id))) for v in network.price_lists_for(session, actor)
    ]
    return render(
        request,
        "recycling/network.html",
        page=page,
        sites=page.rows,
        vehicles=vehicles,
        tiers=TIERS,
        clock=clock_text,
        price_list=price_list,
        prices=prices,
        categories=CATEGORIES,
        conditions=CONDITIONS,
        site_names=names,
        versions=versions,
        can_manage=actor.can("recycling:manage"),
        saved=request.query_params.get("saved"),
    )


@router.get("/recycling/network.xlsx")
def network_export(
    session: DbSession, actor: Reader, query: Query, filters: SiteFilters
) -> Response:
    """The sites the list shows under the same filters and search, as .xlsx."""
    spec, stmt = site_list.spec(_places(session, actor)), network.readable_sites(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn())
