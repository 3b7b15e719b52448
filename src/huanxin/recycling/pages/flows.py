"""Onward-flow pages: the recycler's weighing desk (inbound and outbound weighings at
transfer stations, sorting centres and dismantlers; end-of-life vehicles with VIN and
scrapping certificate), and the reports page (mass balance per site and month, the monthly
declaration, indicators against the 2023 baseline, and the office's baseline form).
In this package."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from huanxin.core import orgs
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Line, Year
from huanxin.core.clock import today_cn
from huanxin.recycling import weighing_list
from huanxin.recycling.charts import indicator_svg
from huanxin.recycling.models import Weighing
from huanxin.recycling.service import flows, network
from huanxin.recycling.vocab import CATEGORIES, TIERS, WEIGHING_KINDS, grams, kg_text
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, ListSpec, View, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("recycling:read"))]
Operator = Annotated[Actor, Depends(page_require("recycling:operate"))]
Manager = Annotated[Actor, Depends(page_require("recycling:manage"))]
Query = Annotated[ListQuery, Depends(list_query)]
BASELINE_KINDS = {"appliances": "废旧家电", "elv": "报废机动车"}


def _int(text: str, field: str) -> int:
    return int(kit.value(kit.Whole, text, field))


def _weighing_rows(names: dict[int, str]) -> View:
    """A page of weighings as the list draws and exports them: sites by name, kind in words."""

    def view(rows: list[Weighing]) -> list[dict[str, Any]]:
        return [
            {
                "on_date": w.on_date.isoformat(),
                "site": names.get(w.site_id, ""),
                "direction": w.direction,
                "kind_text": WEIGHING_KINDS[w.kind] + (f"·{w.category}" if w.category else ""),
                "units": w.units,
                "weight_g": w.weight_g,
                "counterpart": names.get(w.counterpart_site_id or 0, "网络外"),
                "vehicle_plate": w.vehicle_plate,
                "vin": w.vin,
                "elv_cert_no": w.elv_cert_no,
            }
            for w in rows
        ]

    return view


def _weighing_filters(
    month: Line | None = None, site: Code = "", direction: Code = "", kind: Code = ""
) -> dict[str, str]:
    """The desk's filters from the address; it opens on this month's weighings."""
    this_month = f"{today_cn():%Y-%m}"
    return {
        "month": this_month if month is None else month,
        "site": site,
        "direction": direction,
        "kind": kind,
    }


WeighingFilters = Annotated[dict[str, str], Depends(_weighing_filters)]


def _weighings(session: Session, actor: Actor) -> tuple[ListSpec, Select[Any], View]:
    """The desk's list (its site and month choices), the weighings readable and their view."""
    sites = network.sites_for(session, actor)
    spec = weighing_list.spec_for(sites, today_cn())
    view = _weighing_rows({s.id: s.name for s in sites})
    return spec, flows.readable_weighings(session, actor), view


def _weighing_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, str],
    error: str | None = None,
    status: int = 200,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    sites = [s for s in network.sites_for(session, actor) if s.tier != "dropoff"]
    names = {s.id: s.name for s in network.sites_for(session, actor)}
    chosen = filters or _weighing_filters()
    spec, stmt, view = _weighings(session, actor)
    page = page_of(
        session,
        spec,
        stmt,
        query or ListQuery(),
        path="/recycling/weighings",
        filters=chosen,
        view=view,
    )
    return render(
        request,
        "recycling/weighings.html",
        status_code=status,
        sites=sites,
        names=names,
        page=page,
        rows=page.rows,
        form=form,
        error=error,
        kinds=WEIGHING_KINDS,
        directions=weighing_list.DIRECTIONS,
        kg=kg_text,
        tiers=TIERS,
    )


@router.get("/recycling/weighings")
def weighings_page(
    request: Request,
    session: DbSession,
    actor: Operator,
    query: Query,
    filters: WeighingFilters,
) -> HTMLResponse:
    """The weighing form and the weighings a page at a time, this month's first."""
    today = today_cn()
    form = {"on_date": today.isoformat(), "direction": "in", "kind": "appliances"}
    return _weighing_page(request, session, actor, form, query=query, filters=filters)


@router.get("/recycling/weighings.xlsx")
def weighings_export(
    session: DbSession, actor: Operator, query: Query, filters: WeighingFilters
) -> Response:
    """The weighings the list shows under the same filters and search, as .xlsx."""
    spec, stmt, view = _weighings(session, actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


def _weighing_in(f: dict[str, str]) -> flows.WeighingIn:
    on: date = kit.value(kit.Day, f.get("on_date", ""), "on_date")
    other = f.get("counterpart_site_id", "").strip()
    return flows.WeighingIn(
        site_id=_int(f.get("site_id", ""), "site_id"),
        direction=f.get("direction", ""),
        on_date=on,
        kind=f.get("kind", ""),
        category=f.get("category", ""),
        units=_int(f.get("units", "") or "0", "units"),
        weight_g=grams(f.get("weight_kg", ""), field="weight_kg"),
        counterpart_site_id=_int(other, "counterpart_site_id") if other else None,
        vehicle_plate=f.get("vehicle_plate", ""),
        vin=f.get("vin", "").strip() or None,
        elv_cert_no=f.get("elv_cert_no", "").strip() or None,
    )


@router.post("/recycling/weighings")
def weighing_submit(
    request: Request, session: DbSession, actor: Operator, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        new = _weighing_in(f)
        flows.record_weighing(session, actor, new)
        return f"/recycling/weighings?month={new.on_date:%Y-%m}&saved=1"

    def page(error: kit.PageError) -> HTMLResponse:
        return _weighing_page(request, session, actor, f, error.message, error.status)

    return kit.submit(request, session, change, page)


def _reports_context(session: Session, actor: Actor, month: str, year: int) -> dict[str, Any]:
    balance = [asdict(r) for r in flows.mass_balance(session, actor, month=month)]
    charts = {}
    for kind, label in (("appliances", "废旧家电回收量"), ("elv", "报废机动车回收量")):
        figures = flows.indicator_series(
            session,
            jurisdiction_codes=actor.scope_codes,
            kind=kind,  # type: ignore[arg-type]
            year=year,
        )
        series = [asdict(f) for f in figures]
        charts[kind] = {"series": series, "svg": indicator_svg(series, title=f"{year}年{label}")}
    decls = [(d, json.loads(d.body)) for d in flows.declarations_for(session, actor)]
    return {
        "month": month,
        "year": year,
        "balance": balance,
        "charts": charts,
        "kg": kg_text,
        "declarations": decls,
        "org_names": orgs.names_of(session, [d.org_id for d, _ in decls]),
        "tiers": TIERS,
        "error": None,
        "categories": CATEGORIES,
        "baseline_kinds": BASELINE_KINDS,
    }


def reports_response(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    month: str = "",
    year: int = 0,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = today_cn()
    month = month or f"{today:%Y-%m}"
    _, refused = kit.outcome(lambda: flows.month_range(month))
    if refused is not None:
        month, error, status = f"{today:%Y-%m}", refused.message, refused.status
    context = _reports_context(session, actor, month, year or int(month[:4]))
    context["error"] = error
    return render(request, "recycling/reports.html", status_code=status, **context)


@router.get("/recycling/reports")
def reports_page(
    request: Request, session: DbSession, actor: Reader, month: Line = "", year: Year = 0
) -> HTMLResponse:
    return reports_response(request, session, actor, month=month, year=year)


@router.post("/recycling/declarations")
def declare_submit(
    request: Request, session: DbSession, actor: Operator, posted: kit.Posted
) -> Response:
    month = (kit.text_of(posted)).get("month", "").strip()

    def change() -> str:
        flows.submit_declaration(session, actor, month=month)
        return f"/recycling/reports?month={month}&saved=declaration"

    def page(error: kit.PageError) -> HTMLResponse:
        return reports_response(
            request,
            session,
            actor,
            error=error.message,
            status=error.status,
        )

    return kit.submit(request, session, change, page)


@router.post("/recycling/baselines")
def baseline_submit(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        code = f.get("jurisdiction_code", "").strip()
        within(actor, code, "区划不在您的管辖范围内", field="jurisdiction_code")
        flows.set_baseline(
            session,
            actor,
            jurisdiction_code=code,
            kind=f.get("kind", ""),
            units=_int(f.get("units", ""), "units"),
            weight_kg=_int(f.get("weight_kg", ""), "weight_kg"),
            source=f.get("source", "").strip()[:256],
        )
        return "/recycling/reports?saved=baseline"

    def page(error: kit.PageError) -> HTMLResponse:
        return reports_response(
            request,
            session,
            actor,
            error=error.message,
            status=error.status,
        )

    return kit.submit(request, session, change, page)
