"""Network pages for the special office (``recycling:manage``): create and edit sites (tier,
coordinates, hours, capacity, licence) and vehicles (capacity in kg and m³, home transfer
station, shift, in service), and add a price-list version (per-kg material prices and
per-unit appliance prices by condition, with its effective date). In this package.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import orgs
from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Count, Id
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.core.money import yuan
from huanxin.recycling.models import Site, Vehicle
from huanxin.recycling.service import network
from huanxin.recycling.vocab import CATEGORIES, CONDITIONS, TIERS, clock_text, parse_clock
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Manager = Annotated[Actor, Depends(page_require("recycling:manage"))]
APPLIANCE_CONDITIONS = [k for k in CONDITIONS if k != "any"]


def _number(text: str, field: str, kind: type[int] | type[float] = float) -> Any:
    try:
        return kind(text.strip())
    except ValueError:
        raise InvalidInput("必须是数字", field=field) from None


def _fen(text: str, field: str) -> int:
    return int(kit.value(kit.Amount, text, field))


# Sites


def _site_form(site: Site | None, actor: Actor) -> dict[str, str]:
    if site is None:
        return {
            "jurisdiction_code": actor.jurisdiction_code,
            "tier": "transfer",
            "opens": "08:00",
            "closes": "18:00",
        }
    return {
        "org_id": str(site.org_id),
        "jurisdiction_code": site.jurisdiction_code,
        "tier": site.tier,
        "name": site.name,
        "address": site.address,
        "lat": str(site.lat),
        "lon": str(site.lon),
        "opens": clock_text(site.opens_s),
        "closes": clock_text(site.closes_s),
        "capacity_t": str(site.capacity_kg_day / 1000),
        "licence_no": site.licence_no,
    }


def _site_page(
    request: Request,
    session: Session,
    actor: Actor,
    site_id: int | None,
    form: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "recycling/site_form.html",
        status_code=status,
        form=form,
        error=error,
        site_id=site_id,
        tiers=TIERS,
        recyclers=orgs.list_for(session, actor, "recycler"),
    )


def _new_site(actor: Actor, f: dict[str, str]) -> network.NewSite:
    code = f.get("jurisdiction_code", "").strip()
    within(actor, code, "区划不在您的管辖范围内", field="jurisdiction_code")
    capacity_t = _number(f.get("capacity_t", ""), "capacity_kg_day")
    return network.NewSite(
        org_id=_number(f.get("org_id", ""), "org_id", int),
        jurisdiction_code=code,
        tier=f.get("tier", ""),
        name=f.get("name", ""),
        lat=_number(f.get("lat", ""), "lat"),
        lon=_number(f.get("lon", ""), "lon"),
        opens_s=parse_clock(f.get("opens", ""), field="opens"),
        closes_s=parse_clock(f.get("closes", ""), field="closes"),
        capacity_kg_day=round(capacity_t * 1000),
        licence_no=f.get("licence_no", ""),
        address=f.get("address", ""),
    )


@router.get("/recycling/network/sites/new")
def site_new(request: Request, session: DbSession, actor: Manager) -> HTMLResponse:
    return _site_page(request, session, actor, None, _site_form(None, actor))


@router.get("/recycling/network/sites/{site_id}")
def site_edit(request: Request, session: DbSession, actor: Manager, site_id: Id) -> HTMLResponse:
    site = network.get_site(session, actor, site_id)
    return _site_page(request, session, actor, site.id, _site_form(site, actor))


@router.post("/recycling/network/sites")
def site_create(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        network.create_site(session, actor, _new_site(actor, f))
        return "/recycling/network?saved=site"

    def page(error: kit.PageError) -> HTMLResponse:
        return _site_page(request, session, actor, None, f, error.message, error.status)

    return kit.submit(request, session, change, page)


@router.post("/recycling/network/sites/{site_id}")
def site_update(
    request: Request,
    session: DbSession,
    actor: Manager,
    site_id: Id,
    posted: kit.Posted,
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        network.update_site(session, actor, site_id, _new_site(actor, f))
        return "/recycling/network?saved=site"

    def page(error: kit.PageError) -> HTMLResponse:
        return _site_page(request, session, actor, site_id, f, error.message, error.status)

    return kit.submit(request, session, change, page)


# Vehicles


def _vehicle_form(vehicle: Vehicle | None) -> dict[str, str]:
    if vehicle is None:
        return {"shift_start": "08:00", "shift_end": "17:00", "active": "yes"}
    return {
        "home_site_id": str(vehicle.home_site_id),
        "plate": vehicle.plate,
        "capacity_kg": str(vehicle.capacity_kg),
        "capacity_m3": str(vehicle.capacity_m3),
        "shift_start": clock_text(vehicle.shift_start_s),
        "shift_end": clock_text(vehicle.shift_end_s),
        "active": "yes" if vehicle.active else "no",
    }


def _vehicle_page(
    request: Request,
    session: Session,
    actor: Actor,
    vehicle_id: int | None,
    form: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "recycling/vehicle_form.html",
        status_code=status,
        form=form,
        error=error,
        vehicle_id=vehicle_id,
        stations=network.sites_for(session, actor, tier="transfer"),
    )


def _new_vehicle(session: Session, actor: Actor, f: dict[str, str]) -> network.NewVehicle:
    home = _number(f.get("home_site_id", ""), "home_site_id", int)
    network.get_site(session, actor, home)
    return network.NewVehicle(
        home_site_id=home,
        plate=f.get("plate", ""),
        capacity_kg=_number(f.get("capacity_kg", ""), "capacity_kg", int),
        capacity_m3=_number(f.get("capacity_m3", ""), "capacity_m3"),
        shift_start_s=parse_clock(f.get("shift_start", ""), field="shift_start"),
        shift_end_s=parse_clock(f.get("shift_end", ""), field="shift_end"),
    )


@router.get("/recycling/network/vehicles/new")
def vehicle_new(request: Request, session: DbSession, actor: Manager) -> HTMLResponse:
    return _vehicle_page(request, session, actor, None, _vehicle_form(None))


@router.get("/recycling/network/vehicles/{vehicle_id}")
def vehicle_edit(
    request: Request, session: DbSession, actor: Manager, vehicle_id: Id
) -> HTMLResponse:
    vehicle = network.get_vehicle(session, actor, vehicle_id)
    return _vehicle_page(request, session, actor, vehicle.id, _vehicle_form(vehicle))


@router.post("/recycling/network/vehicles")
def vehicle_create(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        new = _new_vehicle(session, actor, f)
        network.create_vehicle(session, actor, **new.__dict__)
        return "/recycling/network?saved=vehicle"

    def page(error: kit.PageError) -> HTMLResponse:
        return _vehicle_page(request, session, actor, None, f, error.message, error.status)

    return kit.submit(request, session, change, page)


@router.post("/recycling/network/vehicles/{vehicle_id}")
def vehicle_update(
    request: Request,
    session: DbSession,
    actor: Manager,
    vehicle_id: Id,
    posted: kit.Posted,
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        network.update_vehicle(
            session,
            actor,
            vehicle_id,
            _new_vehicle(session, actor, f),
            active=f.get("active", "yes") == "yes",
        )
        return "/recycling/network?saved=vehicle"

    def page(error: kit.PageError) -> HTMLResponse:
        return _vehicle_page(request, session, actor, vehicle_id, f, error.message, error.status)

    return kit.submit(request, session, change, page)


# Price lists


def _price_rows() -> list[tuple[str, str]]:
    """(category, condition) of every price the form asks for, in catalogue order."""
    rows: list[tuple[str, str]] = []
    for cat in CATEGORIES.values():
        conditions = APPLIANCE_CONDITIONS if cat.kind == "appliance" else ["any"]
        rows += [(cat.code, k) for k in conditions]
    return rows


def _price_form(session: Session, actor: Actor, base_id: int | None) -> dict[str, str]:
    form = {
        "jurisdiction_code": actor.jurisdiction_code,
        "effective_from": (today_cn() + timedelta(days=1)).isoformat(),
    }
    base, _ = kit.outcome(
        lambda: (
            network.get_price_list(session, actor, base_id)
            if base_id
            else network.price_list_in_force(session, actor.jurisdiction_code, today_cn())
        )
    )
    if base is None:
        return form
    for (code, condition), fen in network.prices_of(session, base.id).items():
        form[f"p.{code}.{condition}"] = yuan(fen)
    return form


def _price_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "recycling/price_form.html",
        status_code=status,
        form=form,
        error=error,
        rows=_price_rows(),
        categories=CATEGORIES,
        conditions=CONDITIONS,
    )


def _prices(f: dict[str, str]) -> list[tuple[str, str, int]]:
    prices = []
    for code, condition in _price_rows():
        text = f.get(f"p.{code}.{condition}", "").strip()
        if text:
            prices.append((code, condition, _fen(text, f"prices.{code}.{condition}")))
    return prices


@router.get("/recycling/network/prices/new")
def price_new(
    request: Request, session: DbSession, actor: Manager, base: Count | None = None
) -> HTMLResponse:
    return _price_page(request, session, actor, _price_form(session, actor, base))


@router.post("/recycling/network/prices")
def price_create(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def change() -> str:
        code = f.get("jurisdiction_code", "").strip()
        within(actor, code, "区划不在您的管辖范围内", field="jurisdiction_code")
        try:
            effective = date.fromisoformat(f.get("effective_from", "").strip())
        except ValueError:
            raise InvalidInput("日期格式应为YYYY-MM-DD", field="effective_from") from None
        network.create_price_list(
            session,
            actor,
            jurisdiction_code=code,
            effective_from=effective,
            prices=_prices(f),
            note=f.get("note", "").strip()[:256],
            earliest=today_cn(),
        )
        return "/recycling/network?saved=prices"

    def page(error: kit.PageError) -> HTMLResponse:
        return _price_page(request, session, actor, f, error.message, error.status)

    return kit.submit(request, session, change, page)
