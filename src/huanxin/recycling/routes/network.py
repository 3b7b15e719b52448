"""API of the recycling network (sites and vehicles created and edited, price-list versions,
service areas) and of the onward flow (weighings, mass balance, declarations, baselines,
indicators)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Day, Id, IdempotencyKey, Line, Year
from huanxin.core.clock import today_cn
from huanxin.recycling.catalogue import parse_clock
from huanxin.recycling.models import PriceList, Site, Vehicle
from huanxin.recycling.schemas import (
    AreaSet,
    BaselineSet,
    DeclarationCreate,
    PriceListCreate,
    SiteCreate,
    VehicleCreate,
    VehicleUpdate,
    WeighingCreate,
)
from huanxin.recycling.service import flows, network
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond

router = APIRouter()
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("recycling:read"))]
Manager = Annotated[Actor, Depends(require("recycling:manage"))]
Operator = Annotated[Actor, Depends(require("recycling:operate"))]


def _in_scope(actor: Actor, code: str) -> None:
    within(actor, code, "区划不在您的管辖范围内", field="jurisdiction_code")


def site_dict(s: Site) -> dict[str, object]:
    return {
        "id": s.id,
        "org_id": s.org_id,
        "jurisdiction_code": s.jurisdiction_code,
        "tier": s.tier,
        "name": s.name,
        "lat": s.lat,
        "lon": s.lon,
        "opens_s": s.opens_s,
        "closes_s": s.closes_s,
        "capacity_kg_day": s.capacity_kg_day,
        "licence_no": s.licence_no,
        "address": s.address,
    }


def vehicle_dict(v: Vehicle) -> dict[str, object]:
    return {
        "id": v.id,
        "org_id": v.org_id,
        "home_site_id": v.home_site_id,
        "plate": v.plate,
        "capacity_kg": v.capacity_kg,
        "capacity_m3": v.capacity_m3,
        "shift_start_s": v.shift_start_s,
        "shift_end_s": v.shift_end_s,
        "active": v.active,
    }


@router.get("/recycling/sites")
def list_sites(
    actor: Reader, session: DbSession, tier: Line | None = None
) -> list[dict[str, object]]:
    return [site_dict(s) for s in network.sites_for(session, actor, tier=tier)]


@router.post("/recycling/sites", status_code=201)
def create_site(
    body: SiteCreate, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    _in_scope(actor, body.jurisdiction_code)

    def action() -> tuple[int, object]:
        return 201, site_dict(network.create_site(session, actor, _new_site(body)))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.site.create",
        payload=body.model_dump(),
        action=action,
    )


def _new_site(body: SiteCreate) -> network.NewSite:
    fields = body.model_dump(exclude={"opens", "closes"})
    return network.NewSite(
        **fields,
        opens_s=parse_clock(body.opens, field="opens"),
        closes_s=parse_clock(body.closes, field="closes"),
    )


@router.put("/recycling/sites/{site_id}")
def update_site(
    site_id: Id,
    body: SiteCreate,
    actor: Manager,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        return 200, site_dict(network.update_site(session, actor, site_id, _new_site(body)))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.site.update",
        payload={"id": site_id, **body.model_dump()},
        action=action,
    )


@router.get("/recycling/vehicles")
def list_vehicles(actor: Reader, session: DbSession) -> list[dict[str, object]]:
    org = actor.org_id if actor.role == "recycler" else None
    return [vehicle_dict(v) for v in network.vehicles_in(session, actor.scope_codes, org)]


@router.post("/recycling/vehicles", status_code=201)
def create_vehicle(
    body: VehicleCreate, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    network.get_site(session, actor, body.home_site_id)

    def action() -> tuple[int, object]:
        vehicle = network.create_vehicle(
            session,
            actor,
            home_site_id=body.home_site_id,
            plate=body.plate,
            capacity_kg=body.capacity_kg,
            capacity_m3=body.capacity_m3,
            shift_start_s=parse_clock(body.shift_start, field="shift_start"),
            shift_end_s=parse_clock(body.shift_end, field="shift_end"),
        )
        return 201, vehicle_dict(vehicle)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.vehicle.create",
        payload=body.model_dump(),
        action=action,
    )


@router.put("/recycling/vehicles/{vehicle_id}")
def update_vehicle(
    vehicle_id: Id,
    body: VehicleUpdate,
    actor: Manager,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        new = network.NewVehicle(
            body.home_site_id,
            body.plate,
            body.capacity_kg,
            body.capacity_m3,
            parse_clock(body.shift_start, field="shift_start"),
            parse_clock(body.shift_end, field="shift_end"),
        )
        vehicle = network.update_vehicle(session, actor, vehicle_id, new, active=body.active)
        return 200, vehicle_dict(vehicle)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.vehicle.update",
        payload={"id": vehicle_id, **body.model_dump()},
        action=action,
    )


@router.post("/recycling/price-lists", status_code=201)
def create_price_list(
    body: PriceListCreate, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    _in_scope(actor, body.jurisdiction_code)

    def action() -> tuple[int, object]:
        row = network.create_price_list(
            session,
            actor,
            jurisdiction_code=body.jurisdiction_code,
            effective_from=body.effective_from,
            note=body.note,
            earliest=today_cn(),
            prices=[(p.category, p.condition, p.price_fen) for p in body.prices],
        )
        return 201, {"id": row.id, "effective_from": row.effective_from.isoformat()}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.prices.create",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.get("/recycling/price-lists")
def price_lists(actor: Reader, session: DbSession) -> list[dict[str, object]]:
    return [price_list_dict(session, row) for row in network.price_lists_for(session, actor)]


@router.get("/recycling/price-lists/{price_list_id:int}")
def price_list(price_list_id: Id, actor: Reader, session: DbSession) -> dict[str, object]:
    return price_list_dict(session, network.get_price_list(session, actor, price_list_id))


def price_list_dict(session: DbSession, row: PriceList) -> dict[str, object]:
    prices = network.prices_of(session, row.id)
    return {
        "id": row.id,
        "jurisdiction_code": row.jurisdiction_code,
        "effective_from": row.effective_from.isoformat(),
        "note": row.note,
        "prices": [
            {"category": c, "condition": k, "price_fen": f} for (c, k), f in sorted(prices.items())
        ],
    }


@router.get("/recycling/price-lists/in-force")
def price_list_in_force(
    actor: Reader, session: DbSession, jurisdiction_code: Code, on: Day
) -> dict[str, object]:
    _in_scope(actor, jurisdiction_code)
    return price_list_dict(session, network.price_list_in_force(session, jurisdiction_code, on))


@router.put("/recycling/service-areas/{code}")
def set_area(
    code: Code, body: AreaSet, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    _in_scope(actor, code)

    def action() -> tuple[int, object]:
        area = network.set_service_area(session, actor, jurisdiction_code=code, **body.model_dump())
        return 200, {"jurisdiction_code": area.jurisdiction_code, "radius_m": area.radius_m}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.area.set",
        payload={"code": code, **body.model_dump()},
        action=action,
    )


@router.post("/recycling/weighings", status_code=201)
def record_weighing(
    body: WeighingCreate, actor: Operator, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        row = flows.record_weighing(session, actor, body.to_new())
        return 201, {"id": row.id, "site_id": row.site_id, "weight_g": row.weight_g}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.weighing.create",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.get("/recycling/reports/mass-balance")
def mass_balance(actor: Reader, session: DbSession, month: Line) -> list[dict[str, object]]:
    return flows.mass_balance(session, actor, month=month)


@router.post("/recycling/declarations", status_code=201)
def declare(
    body: DeclarationCreate, actor: Operator, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        row = flows.submit_declaration(session, actor, month=body.month)
        return 201, {"id": row.id, "month": row.month, "body": json.loads(row.body)}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.declaration.create",
        payload=body.model_dump(),
        action=action,
    )


@router.get("/recycling/declarations")
def declarations(actor: Reader, session: DbSession) -> list[dict[str, object]]:
    return [
        {"id": d.id, "org_id": d.org_id, "month": d.month, "body": json.loads(d.body)}
        for d in flows.declarations_for(session, actor)
    ]


@router.put("/recycling/baselines")
def set_baseline(
    body: BaselineSet, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    _in_scope(actor, body.jurisdiction_code)

    def action() -> tuple[int, object]:
        row = flows.set_baseline(session, actor, **body.model_dump())
        return 200, {"id": row.id, "units": row.units, "weight_kg": row.weight_kg}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.baseline.set",
        payload=body.model_dump(),
        action=action,
    )


@router.get("/recycling/indicators")
def indicators(
    actor: Reader, session: DbSession, kind: Literal["appliances", "elv"], year: Year
) -> list[dict[str, object]]:
    return flows.indicator_series(
        session, jurisdiction_codes=actor.scope_codes, kind=kind, year=year
    )
