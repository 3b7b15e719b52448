"""Merchant sites API: a merchant registers its stores (with coordinates) and tills
(terminal ids) and lists them. Registering takes an Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from huanxin.claims.models import MerchantStore, MerchantTill
from huanxin.claims.service import sites
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, Latitude, Line, Longitude, Name
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1", tags=["merchant sites"])
Merchant = Annotated[Actor, Depends(require("claims:redeem"))]


class StoreCreate(BaseModel):
    store_name: Name
    address: Line = ""
    lat: Latitude
    lon: Longitude


class StoreRead(BaseModel):
    id: int
    name: str
    address: str
    lat: float
    lon: float

    @classmethod
    def of(cls, store: MerchantStore) -> StoreRead:
        return cls(
            id=store.id, name=store.name, address=store.address, lat=store.lat, lon=store.lon
        )


class TillCreate(BaseModel):
    store_id: Id
    terminal_id: Name


class TillRead(BaseModel):
    id: int
    store_id: int
    terminal_id: str

    @classmethod
    def of(cls, till: MerchantTill) -> TillRead:
        return cls(id=till.id, store_id=till.store_id, terminal_id=till.terminal_id)


@router.post("/merchant/stores", status_code=201)
@idempotent("merchant.store")
def register_store(body: StoreCreate, actor: Merchant, session: DbSession) -> StoreRead:
    store = sites.register_store(
        session, actor, name=body.store_name, address=body.address, lat=body.lat, lon=body.lon
    )
    return StoreRead.of(store)


@router.get("/merchant/stores")
def list_stores(actor: Merchant, session: DbSession, paged: Paged) -> list[StoreRead]:
    return [StoreRead.of(s) for s in paged.slice(sites.stores_of(session, actor))]


@router.post("/merchant/tills", status_code=201)
@idempotent("merchant.till")
def register_till(body: TillCreate, actor: Merchant, session: DbSession) -> TillRead:
    till = sites.register_till(session, actor, store_id=body.store_id, terminal_id=body.terminal_id)
    return TillRead.of(till)


@router.get("/merchant/tills")
def list_tills(actor: Merchant, session: DbSession, paged: Paged) -> list[TillRead]:
    return [TillRead.of(t) for t in paged.slice(sites.tills_of(session, actor))]
