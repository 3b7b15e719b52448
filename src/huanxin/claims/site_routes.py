"""Merchant sites API: a merchant registers its stores (with coordinates) and tills
(terminal ids) and lists them. Registering takes an Idempotency-Key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from huanxin.claims.models import MerchantStore, MerchantTill
from huanxin.claims.service import sites
from huanxin.core.actor import Actor
from huanxin.core.bounds import Id, IdempotencyKey, Latitude, Line, Longitude, Name
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond

router = APIRouter(prefix="/api/v1", tags=["merchant sites"])
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Merchant = Annotated[Actor, Depends(require("claims:redeem"))]
ERRORS: dict[int | str, dict[str, str]] = {
    403: {"description": "outside_jurisdiction"},
    404: {"description": "not_found"},
    409: {"description": "site_already_registered, request_in_progress"},
    422: {"description": "invalid_input, unknown_store, bad_location"},
}


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


@router.post("/merchant/stores", status_code=201, response_model=StoreRead, responses=ERRORS)
def register_store(
    body: StoreCreate, actor: Merchant, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        store = sites.register_store(
            session, actor, name=body.store_name, address=body.address, lat=body.lat, lon=body.lon
        )
        return 201, StoreRead.of(store).model_dump(mode="json")

    payload = body.model_dump(mode="json")
    return respond(
        session, actor, key=idempotency_key, scope="merchant.store", payload=payload, action=action
    )


@router.get("/merchant/stores", response_model=list[StoreRead])
def list_stores(actor: Merchant, session: DbSession) -> list[StoreRead]:
    return [StoreRead.of(s) for s in sites.stores_of(session, actor)]


@router.post("/merchant/tills", status_code=201, response_model=TillRead, responses=ERRORS)
def register_till(
    body: TillCreate, actor: Merchant, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        till = sites.register_till(
            session, actor, store_id=body.store_id, terminal_id=body.terminal_id
        )
        return 201, TillRead.of(till).model_dump(mode="json")

    payload = body.model_dump(mode="json")
    return respond(
        session, actor, key=idempotency_key, scope="merchant.till", payload=payload, action=action
    )


@router.get("/merchant/tills", response_model=list[TillRead])
def list_tills(actor: Merchant, session: DbSession) -> list[TillRead]:
    return [TillRead.of(t) for t in sites.tills_of(session, actor)]
