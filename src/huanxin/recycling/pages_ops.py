"""Operator pages of the recycling domain: pickup completion with weighing and payment,
the reverse invoice, the network, and the reports (mass balance, declarations,
indicators against the 2023 baseline)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.core.errors import DomainError, InvalidInput
from huanxin.recycling.catalogue import (
    CATEGORIES,
    CONDITIONS,
    PAYMENT_METHODS,
    TIERS,
    clock_text,
    grams,
    kg_text,
)
from huanxin.recycling.charts import indicator_svg
from huanxin.recycling.service import bookings, completion, flows, network
from huanxin.web.deps import DbSession, page_require
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Operator = Annotated[Actor, Depends(page_require("recycling:operate"))]
Reader = Annotated[Actor, Depends(page_require("recycling:read"))]


def _pickup_context(
    session: DbSession, actor: Actor, booking_id: int, **extra: Any
) -> dict[str, Any]:
    booking = bookings.get_booking(session, actor, booking_id)
    return {"booking": bookings.booking_dict(session, booking), "conditions": CONDITIONS,
            "methods": PAYMENT_METHODS, "categories": CATEGORIES, "error": None,
            "done": None, **extra}  # fmt: skip


@router.get("/recycling/pickup/{booking_id}")
def pickup_page(request: Request, session: DbSession, booking_id: int,
                actor: Operator) -> HTMLResponse:  # fmt: skip
    return render(request, "recycling/pickup.html", **_pickup_context(session, actor, booking_id))


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
        lines.append(completion.LineIn(code, condition, units,
                                       grams(form.get(f"weight{n}", ""), field=f"lines[{n}].weight_kg")))  # fmt: skip
    return lines


@router.post("/recycling/pickup/{booking_id}")
async def pickup_submit(request: Request, session: DbSession, booking_id: int,
                        actor: Operator) -> Response:  # fmt: skip
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        count = len(bookings.items_of(session, booking_id))
        pickup, issued = completion.complete_pickup(
            session, actor, booking_id=booking_id, lines=_lines(form, count),
            payment_method=form.get("payment_method", ""), payment_ref=form.get("payment_ref", ""),
        )  # fmt: skip
    except DomainError as exc:
        session.rollback()
        context = _pickup_context(
            session, actor, booking_id, error=f"{exc.message}（{exc.field or ''}）"
        )
        return render(request, "recycling/pickup.html", status_code=exc.status, **context)
    done = {"pickup": pickup, "certificates": issued, "weight": kg_text(pickup.weight_g)}
    return render(
        request, "recycling/pickup.html", **_pickup_context(session, actor, booking_id, done=done)
    )


@router.post("/recycling/pickups/{pickup_id}/invoice")
def invoice_submit(request: Request, session: DbSession, pickup_id: int, actor: Operator,
                   seller_name: Annotated[str, Form()] = "",
                   seller_resident_id: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    try:
        inv = completion.issue_reverse_invoice(session, actor, pickup_id=pickup_id,
                                               seller_name=seller_name,
                                               seller_resident_id=seller_resident_id)  # fmt: skip
    except DomainError as exc:
        session.rollback()
        return render(request, "error.html", status_code=exc.status, message=exc.message)
    return render(request, "recycling/invoice.html", invoice=inv)


@router.get("/recycling/network")
def network_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    sites = network.sites_for(session, actor)
    org = actor.org_id if actor.role == "recycler" else None
    vehicles = network.vehicles_in(session, actor.scope_codes, org)
    prices: list[tuple[str, str, int]] = []
    price_list = None
    try:
        price_list = network.price_list_in_force(session, actor.jurisdiction_code, today_cn())
        prices = [
            (c, k, f) for (c, k), f in sorted(network.prices_of(session, price_list.id).items())
        ]
    except DomainError:
        price_list = None
    return render(request, "recycling/network.html", sites=sites, vehicles=vehicles,
                  tiers=TIERS, clock=clock_text, price_list=price_list, prices=prices,
                  categories=CATEGORIES, conditions=CONDITIONS)  # fmt: skip


def _reports_context(session: DbSession, actor: Actor, month: str, year: int) -> dict[str, Any]:
    balance = flows.mass_balance(session, actor, month=month)
    charts = {}
    for kind, label in (("appliances", "废旧家电回收量"), ("elv", "报废机动车回收量")):
        series = flows.indicator_series(session, jurisdiction_codes=actor.scope_codes,
                                        kind=kind, year=year)  # type: ignore[arg-type]  # fmt: skip
        charts[kind] = {"series": series, "svg": indicator_svg(series, title=f"{year}年{label}")}
    decls = [(d, json.loads(d.body)) for d in flows.declarations_for(session, actor)]
    return {"month": month, "year": year, "balance": balance, "charts": charts, "kg": kg_text,
            "declarations": decls, "tiers": TIERS, "error": None, "categories": CATEGORIES}  # fmt: skip


@router.get("/recycling/reports")
def reports_page(request: Request, session: DbSession, actor: Reader, month: str = "",
                 year: int = 0) -> HTMLResponse:  # fmt: skip
    today = today_cn()
    month = month or f"{today:%Y-%m}"
    year = year or int(month[:4])
    return render(
        request, "recycling/reports.html", **_reports_context(session, actor, month, year)
    )


@router.post("/recycling/declarations")
def declare_submit(request: Request, session: DbSession, actor: Operator,
                   month: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    try:
        flows.submit_declaration(session, actor, month=month)
    except DomainError as exc:
        session.rollback()
        today = today_cn()
        context = _reports_context(session, actor, f"{today:%Y-%m}", today.year)
        context["error"] = exc.message
        return render(request, "recycling/reports.html", status_code=exc.status, **context)
    return RedirectResponse(f"/recycling/reports?month={month}", status_code=303)
