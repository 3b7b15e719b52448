"""API of used-equipment trading (listings, photos, enquiries, offers, transfer states) and
of the public-institution warehouse (公务仓). Included by ``routes``."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Header, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, IdempotencyKey
from huanxin.secondhand import schemas as s
from huanxin.secondhand.service import common, trading, warehouse
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import respond

router = APIRouter()
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("secondhand:read"))]
Manager = Annotated[Actor, Depends(require("secondhand:manage"))]
Trader = Annotated[Actor, Depends(require("secondhand:trade"))]
P = "/secondhand"


def _respond(
    session: Session,
    actor: Actor,
    key: str | None,
    scope: str,
    body: BaseModel | dict[str, Any],
    run: Any,
    status: int = 200,
) -> JSONResponse:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return respond(
        session, actor, key=key, scope=scope, payload=payload, action=lambda: (status, run())
    )


@router.post(P + "/listings", status_code=201)
def create_listing(
    body: s.ListingCreate, actor: Trader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        return trading.listing_view(
            session, actor, trading.create_listing(session, actor, **body.model_dump())
        )

    return _respond(session, actor, idempotency_key, "sh.listing", body, run, 201)


@router.get(P + "/listings")
def list_listings(
    actor: Trader, session: DbSession, state: Code | None = None
) -> list[dict[str, Any]]:
    return [
        trading.listing_view(session, actor, x)
        for x in trading.list_listings(session, actor, state=state)
    ]


@router.get(P + "/my/ledger-items")
def my_ledger_items(actor: Trader, session: DbSession) -> list[dict[str, str]]:
    """The caller's equipment-ledger rows a listing may name in ``equipment_ref``."""
    return [
        {"equipment_ref": ref, "label": label}
        for ref, label in trading.ledger_choices(session, actor)
    ]


@router.get(P + "/all-listings")
def all_listings(
    actor: Reader, session: DbSession, state: Code | None = None
) -> list[dict[str, Any]]:
    return [
        trading.listing_view(session, actor, x)
        for x in trading.list_listings(session, actor, state=state)
    ]


@router.get(P + "/listings/{listing_id}")
def get_listing(listing_id: Id, actor: Trader, session: DbSession) -> dict[str, Any]:
    return trading.listing_view(session, actor, trading.get_listing(session, actor, listing_id))


@router.post(P + "/listings/{listing_id}/photos", status_code=201)
async def add_photo(
    listing_id: Id,
    actor: Trader,
    session: DbSession,
    photo: Annotated[UploadFile, File()],
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    data = await photo.read(trading.MAX_PHOTO_BYTES + 1)
    payload = {"listing_id": listing_id, "sha256": hashlib.sha256(data).hexdigest()}

    def run() -> Any:
        row = trading.add_photo(session, actor, listing_id=listing_id, data=data)
        return {
            "id": row.id,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        }

    return _respond(session, actor, idempotency_key, "sh.photo", payload, run, 201)


@router.get(P + "/photos/{photo_id}")
def get_photo(photo_id: Id, actor: Trader, session: DbSession) -> Response:
    photo = trading.get_photo(session, actor, photo_id)
    return Response(
        photo.data, media_type=photo.content_type, headers={"X-Content-Type-Options": "nosniff"}
    )


@router.post(P + "/listings/{listing_id}/enquiries", status_code=201)
def enquire(
    listing_id: Id,
    body: s.EnquiryCreate,
    actor: Trader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def run() -> Any:
        row = trading.enquire(session, actor, listing_id=listing_id, message=body.message)
        return {"id": row.id, "listing_id": listing_id, "message": row.message}

    return _respond(session, actor, idempotency_key, f"sh.enquiry.{listing_id}", body, run, 201)


@router.post(P + "/listings/{listing_id}/offers", status_code=201)
def make_offer(
    listing_id: Id,
    body: s.OfferCreate,
    actor: Trader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def run() -> Any:
        row = trading.make_offer(session, actor, listing_id=listing_id, price_fen=body.price_fen)
        return {
            "id": row.id,
            "listing_id": listing_id,
            "price_fen": row.price_fen,
            "status": row.status,
        }

    return _respond(session, actor, idempotency_key, f"sh.offer.{listing_id}", body, run, 201)


@router.post(P + "/offers/{offer_id}/decision")
def decide_offer(
    offer_id: Id,
    body: s.Decision,
    actor: Trader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def run() -> Any:
        listing = trading.decide_offer(session, actor, offer_id=offer_id, accept=body.accept)
        return trading.listing_view(session, actor, listing)

    return _respond(session, actor, idempotency_key, f"sh.decide.{offer_id}", body, run)


@router.post(P + "/listings/{listing_id}/state")
def move_listing(
    listing_id: Id, body: s.Move, actor: Trader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        listing = trading.advance(
            session, actor, listing_id=listing_id, to_state=body.to_state, note=body.note
        )
        return trading.listing_view(session, actor, listing)

    return _respond(session, actor, idempotency_key, f"sh.move.{listing_id}", body, run)


@router.post(P + "/institutions", status_code=201)
def flag_institution(
    body: s.OrgRef, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        row = warehouse.register_institution(session, actor, org_id=body.org_id)
        return {"org_id": row.org_id, "jurisdiction_code": row.jurisdiction_code}

    return _respond(session, actor, idempotency_key, "sh.institution", body, run, 201)


@router.post(P + "/warehouse", status_code=201)
def declare(
    body: s.WarehouseDeclare, actor: Trader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        return warehouse.item_view(session, warehouse.declare(session, actor, **body.model_dump()))

    return _respond(session, actor, idempotency_key, "sh.declare", body, run, 201)


@router.get(P + "/warehouse")
def list_warehouse(
    actor: Reader, session: DbSession, state: Code | None = None
) -> list[dict[str, Any]]:
    return [
        warehouse.item_view(session, i) for i in warehouse.list_items(session, actor, state=state)
    ]


@router.get(P + "/warehouse/pool")
def pool(actor: Trader, session: DbSession) -> list[dict[str, Any]]:
    """What a public institution may claim, plus its own declarations."""
    rows = warehouse.list_items(session, actor)
    return [
        warehouse.item_view(session, i)
        for i in rows
        if i.state == "pooled" or i.institution_org_id == actor.org_id
    ]


@router.get(P + "/warehouse/statistics")
def statistics(actor: Reader, session: DbSession) -> list[dict[str, Any]]:
    return warehouse.statistics(session, actor)


@router.get(P + "/warehouse/{item_id}")
def get_item(item_id: Id, actor: Reader, session: DbSession) -> dict[str, Any]:
    item = warehouse.get_item(session, actor, item_id)
    steps = common.steps_of(session, "warehouse", item.id)
    return {
        **warehouse.item_view(session, item),
        "steps": [{"from": x.from_state, "to": x.to_state, "note": x.note} for x in steps],
    }


@router.post(P + "/warehouse/{item_id}/review")
def review(
    item_id: Id, body: s.Review, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        item = warehouse.review(session, actor, item_id=item_id, accept=body.accept, note=body.note)
        return warehouse.item_view(session, item)

    return _respond(session, actor, idempotency_key, f"sh.review.{item_id}", body, run)


@router.post(P + "/warehouse/{item_id}/claim")
def claim(
    item_id: Id, body: s.Note, actor: Trader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        return warehouse.item_view(
            session, warehouse.claim(session, actor, item_id=item_id, note=body.note)
        )

    return _respond(session, actor, idempotency_key, f"sh.claim.{item_id}", body, run)


@router.post(P + "/warehouse/{item_id}/release")
def release(
    item_id: Id, body: s.Note, actor: Manager, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def run() -> Any:
        item = warehouse.release_claim(session, actor, item_id=item_id, note=body.note)
        return warehouse.item_view(session, item)

    return _respond(session, actor, idempotency_key, f"sh.release.{item_id}", body, run)


@router.post(P + "/warehouse/{item_id}/approve")
def approve(
    item_id: Id,
    body: s.Approve,
    actor: Manager,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def run() -> Any:
        return warehouse.item_view(
            session, warehouse.approve(session, actor, item_id=item_id, **body.model_dump())
        )

    return _respond(session, actor, idempotency_key, f"sh.approve.{item_id}", body, run)


@router.post(P + "/warehouse/{item_id}/complete")
def complete(
    item_id: Id,
    body: s.Complete,
    actor: Manager,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def run() -> Any:
        return warehouse.item_view(
            session, warehouse.complete(session, actor, item_id=item_id, **body.model_dump())
        )

    return _respond(session, actor, idempotency_key, f"sh.complete.{item_id}", body, run)
