"""API of the recycling network (sites and vehicles created and edited, price-list versions,
service areas) and of the onward flow (weighings, mass balance, declarations, baselines,
indicators)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends

from huanxin.core.actor import Actor, within
from huanxin.core.bounds import Code, Day, Id, Line, Year
from huanxin.core.clock import today_cn
from huanxin.recycling.models import PriceList, Site, Vehicle
from huanxin.recycling.schemas import (
    AreaRead,
    AreaSet,
    BaselineRead,
    DeclarationCreate,
    DeclarationCreated,
    DeclarationRead,
    IndicatorRow,
    MassBalanceRow,
    PriceListCreate,
    PriceListCreated,
    PriceListRead,
    PriceRead,
    RecyclingBaselineSet,
    SiteCreate,
    SiteRead,
    VehicleCreate,
    VehicleRead,
    VehicleUpdate,
    WeighingCreate,
    WeighingRead,
)
from huanxin.recycling.service import flows, network
from huanxin.recycling.vocab import parse_clock
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1")
Reader = Annotated[Actor, Depends(require("recycling:read"))]
Manager = Annotated[Actor, Depends(require("recycling:manage"))]
Operator = Annotated[Actor, Depends(require("recycling:operate"))]


def _in_scope(actor: Actor, code: str) -> None:
    within(actor, code, "区划不在您的管辖范围内", field="jurisdiction_code")


def site_read(s: Site) -> SiteRead:
    return SiteRead.model_validate(s, from_attributes=True)


def vehicle_read(v: Vehicle) -> VehicleRead:
    return VehicleRead.model_validate(v, from_attributes=True)


@router.get("/recycling/sites")
def list_sites(
    actor: Reader, session: DbSession, paged: Paged, tier: Line | None = None
) -> list[SiteRead]:
    return [site_read(s) for s in paged.slice(network.sites_for(session, actor, tier=tier))]


@router.post("/recycling/sites", status_code=201)
@idempotent("recycling.site.create")
def create_site(body: SiteCreate, actor: Manager, session: DbSession) -> SiteRead:
    _in_scope(actor, body.jurisdiction_code)
    return site_read(network.create_site(session, actor, _new_site(body)))


def _new_site(body: SiteCreate) -> network.NewSite:
    fields = body.model_dump(exclude={"opens", "closes"})
    return network.NewSite(
        **fields,
        opens_s=parse_clock(body.opens, field="opens"),
        closes_s=parse_clock(body.closes, field="closes"),
    )


@router.put("/recycling/sites/{site_id}")
@idempotent(
    "recycling.site.update", payload=lambda site_id, body: {"id": site_id, **body.model_dump()}
)
def update_site(site_id: Id, body: SiteCreate, actor: Manager, session: DbSession) -> SiteRead:
    return site_read(network.update_site(session, actor, site_id, _new_site(body)))


@router.get("/recycling/vehicles")
def list_vehicles(actor: Reader, session: DbSession, paged: Paged) -> list[VehicleRead]:
    org = actor.org_id if actor.role == "recycler" else None
    rows = paged.slice(network.vehicles_in(session, actor.scope_codes, org))
    return [vehicle_read(v) for v in rows]


@router.post("/recycling/vehicles", status_code=201)
@idempotent("recycling.vehicle.create")
def create_vehicle(body: VehicleCreate, actor: Manager, session: DbSession) -> VehicleRead:
    network.get_site(session, actor, body.home_site_id)
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
    return vehicle_read(vehicle)


@router.put("/recycling/vehicles/{vehicle_id}")
@idempotent(
    "recycling.vehicle.update",
    payload=lambda vehicle_id, body: {"id": vehicle_id, **body.model_dump()},
)
def update_vehicle(
    vehicle_id: Id, body: VehicleUpdate, actor: Manager, session: DbSession
) -> VehicleRead:
    new = network.NewVehicle(
        body.home_site_id,
        body.plate,
        body.capacity_kg,
        body.capacity_m3,
        parse_clock(body.shift_start, field="shift_start"),
        parse_clock(body.shift_end, field="shift_end"),
    )
    return vehicle_read(network.update_vehicle(session, actor, vehicle_id, new, active=body.active))


@router.post("/recycling/price-lists", status_code=201)
@idempotent("recycling.prices.create")
def create_price_list(
    body: PriceListCreate, actor: Manager, session: DbSession
) -> PriceListCreated:
    _in_scope(actor, body.jurisdiction_code)
    row = network.create_price_list(
        session,
        actor,
        jurisdiction_code=body.jurisdiction_code,
        effective_from=body.effective_from,
        note=body.note,
        earliest=today_cn(),
        prices=[(p.category, p.condition, p.price_fen) for p in body.prices],
    )
    return PriceListCreated(id=row.id, effective_from=row.effective_from.isoformat())


@router.get("/recycling/price-lists")
def price_lists(actor: Reader, session: DbSession, paged: Paged) -> list[PriceListRead]:
    rows = paged.slice(network.price_lists_for(session, actor))
    return [price_list_read(session, row) for row in rows]


@router.get("/recycling/price-lists/{price_list_id:int}")
def price_list(price_list_id: Id, actor: Reader, session: DbSession) -> PriceListRead:
    return price_list_read(session, network.get_price_list(session, actor, price_list_id))


def price_list_read(session: DbSession, row: PriceList) -> PriceListRead:
    prices = network.prices_of(session, row.id)
    return PriceListRead(
        id=row.id,
        jurisdiction_code=row.jurisdiction_code,
        effective_from=row.effective_from.isoformat(),
        note=row.note,
        prices=[
            PriceRead(category=c, condition=k, price_fen=f) for (c, k), f in sorted(prices.items())
        ],
    )


@router.get("/recycling/price-lists/in-force")
def price_list_in_force(
    actor: Reader, session: DbSession, jurisdiction_code: Code, on: Day
) -> PriceListRead:
    _in_scope(actor, jurisdiction_code)
    return price_list_read(session, network.price_list_in_force(session, jurisdiction_code, on))


@router.put("/recycling/service-areas/{code}")
@idempotent("recycling.area.set", payload=lambda code, body: {"code": code, **body.model_dump()})
def set_area(code: Code, body: AreaSet, actor: Manager, session: DbSession) -> AreaRead:
    _in_scope(actor, code)
    area = network.set_service_area(session, actor, jurisdiction_code=code, **body.model_dump())
    return AreaRead(jurisdiction_code=area.jurisdiction_code, radius_m=area.radius_m)


@router.post("/recycling/weighings", status_code=201)
@idempotent("recycling.weighing.create")
def record_weighing(body: WeighingCreate, actor: Operator, session: DbSession) -> WeighingRead:
    row = flows.record_weighing(session, actor, body.to_new())
    return WeighingRead(id=row.id, site_id=row.site_id, weight_g=row.weight_g)


@router.get("/recycling/reports/mass-balance")
def mass_balance(actor: Reader, session: DbSession, month: Line) -> list[MassBalanceRow]:
    rows = flows.mass_balance(session, actor, month=month)
    return [MassBalanceRow.model_validate(r, from_attributes=True) for r in rows]


@router.post("/recycling/declarations", status_code=201)
@idempotent("recycling.declaration.create")
def declare(body: DeclarationCreate, actor: Operator, session: DbSession) -> DeclarationCreated:
    row = flows.submit_declaration(session, actor, month=body.month)
    return DeclarationCreated(id=row.id, month=row.month, body=json.loads(row.body))


@router.get("/recycling/declarations")
def declarations(actor: Reader, session: DbSession, paged: Paged) -> list[DeclarationRead]:
    return [
        DeclarationRead(id=d.id, org_id=d.org_id, month=d.month, body=json.loads(d.body))
        for d in paged.slice(flows.declarations_for(session, actor))
    ]


@router.put("/recycling/baselines")
@idempotent("recycling.baseline.set")
def set_baseline(body: RecyclingBaselineSet, actor: Manager, session: DbSession) -> BaselineRead:
    _in_scope(actor, body.jurisdiction_code)
    row = flows.set_baseline(session, actor, **body.model_dump())
    return BaselineRead(id=row.id, units=row.units, weight_kg=row.weight_kg)


@router.get("/recycling/indicators")
def indicators(
    actor: Reader, session: DbSession, kind: Literal["appliances", "elv"], year: Year
) -> list[IndicatorRow]:
    rows = flows.indicator_series(
        session, jurisdiction_codes=actor.scope_codes, kind=kind, year=year
    )
    return [IndicatorRow.model_validate(r, from_attributes=True) for r in rows]
