"""API of used-equipment trading (listings, photos, enquiries, offers, transfer states) and
of the public-institution warehouse (公务仓). Included by ``routes``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile
from fastapi.responses import Response

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.secondhand import schemas as s
from huanxin.secondhand.service import common, trading, warehouse
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent, upload_digest
from huanxin.web.kit import uploads
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import download

router = APIRouter(prefix="/api/v1")
Reader = Annotated[Actor, Depends(require("secondhand:read"))]
Manager = Annotated[Actor, Depends(require("secondhand:manage"))]
Trader = Annotated[Actor, Depends(require("secondhand:trade"))]
P = "/secondhand"


@router.post(P + "/listings", status_code=201)
@idempotent("sh.listing")
def create_listing(body: s.ListingCreate, actor: Trader, session: DbSession) -> s.ListingRead:
    return s.ListingRead.model_validate(
        trading.listing_view(
            session, actor, trading.create_listing(session, actor, **body.model_dump())
        )
    )


@router.get(P + "/listings")
def list_listings(
    actor: Trader, session: DbSession, paged: Paged, state: Code | None = None
) -> list[s.ListingRead]:
    return _listings(session, actor, paged, state)


@router.get(P + "/my/ledger-items")
def my_ledger_items(actor: Trader, session: DbSession, paged: Paged) -> list[s.LedgerChoice]:
    """The caller's equipment-ledger rows a listing may name in ``equipment_ref``."""
    return [
        s.LedgerChoice(equipment_ref=ref, label=label)
        for ref, label in paged.slice(trading.ledger_choices(session, actor))
    ]


@router.get(P + "/all-listings")
def all_listings(
    actor: Reader, session: DbSession, paged: Paged, state: Code | None = None
) -> list[s.ListingRead]:
    return _listings(session, actor, paged, state)


def _listings(
    session: DbSession, actor: Actor, paged: Paged, state: str | None
) -> list[s.ListingRead]:
    rows = trading.list_listings(session, actor, state=state, pager=paged.of(session))
    return [s.ListingRead.model_validate(trading.listing_view(session, actor, x)) for x in rows]


@router.get(P + "/listings/{listing_id}")
def get_listing(listing_id: Id, actor: Trader, session: DbSession) -> s.ListingRead:
    listing = trading.get_listing(session, actor, listing_id)
    return s.ListingRead.model_validate(trading.listing_view(session, actor, listing))


@router.post(P + "/listings/{listing_id}/photos", status_code=201)
@idempotent(
    "sh.photo",
    payload=lambda listing_id, photo: {"listing_id": listing_id, "sha256": upload_digest(photo)},
)
def add_photo(
    listing_id: Id, actor: Trader, session: DbSession, photo: Annotated[UploadFile, File()]
) -> s.PhotoRead:
    data = uploads.content(photo, trading.MAX_PHOTO_BYTES + 1)
    row = trading.add_photo(session, actor, listing_id=listing_id, data=data)
    return s.PhotoRead.model_validate(
        {
            "id": row.id,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
        }
    )


@router.get(
    P + "/photos/{photo_id}",
    response_class=Response,
    responses=download("image/jpeg", "image/png"),
)
def get_photo(photo_id: Id, actor: Trader, session: DbSession) -> Response:
    photo = trading.get_photo(session, actor, photo_id)
    return Response(
        photo.data, media_type=photo.content_type, headers={"X-Content-Type-Options": "nosniff"}
    )


@router.post(P + "/listings/{listing_id}/enquiries", status_code=201)
@idempotent("sh.enquiry.{listing_id}")
def enquire(
    listing_id: Id, body: s.EnquiryCreate, actor: Trader, session: DbSession
) -> s.EnquiryRead:
    row = trading.enquire(session, actor, listing_id=listing_id, message=body.message)
    return s.EnquiryRead.model_validate(
        {"id": row.id, "listing_id": listing_id, "message": row.message}
    )


@router.post(P + "/listings/{listing_id}/offers", status_code=201)
@idempotent("sh.offer.{listing_id}")
def make_offer(
    listing_id: Id, body: s.OfferCreate, actor: Trader, session: DbSession
) -> s.OfferMade:
    row = trading.make_offer(session, actor, listing_id=listing_id, price_fen=body.price_fen)
    return s.OfferMade.model_validate(
        {
            "id": row.id,
            "listing_id": listing_id,
            "price_fen": row.price_fen,
            "status": row.status,
        }
    )


@router.post(P + "/offers/{offer_id}/decision")
@idempotent("sh.decide.{offer_id}")
def decide_offer(
    offer_id: Id, body: s.Decision, actor: Trader, session: DbSession
) -> s.ListingRead:
    listing = trading.decide_offer(session, actor, offer_id=offer_id, accept=body.accept)
    return s.ListingRead.model_validate(trading.listing_view(session, actor, listing))


@router.post(P + "/listings/{listing_id}/state")
@idempotent("sh.move.{listing_id}")
def move_listing(listing_id: Id, body: s.Move, actor: Trader, session: DbSession) -> s.ListingRead:
    listing = trading.advance(
        session, actor, listing_id=listing_id, to_state=body.to_state, note=body.note
    )
    return s.ListingRead.model_validate(trading.listing_view(session, actor, listing))


@router.post(P + "/institutions", status_code=201)
@idempotent("sh.institution")
def flag_institution(body: s.OrgRef, actor: Manager, session: DbSession) -> s.InstitutionRead:
    row = warehouse.register_institution(session, actor, org_id=body.org_id)
    return s.InstitutionRead.model_validate(
        {"org_id": row.org_id, "jurisdiction_code": row.jurisdiction_code}
    )


@router.post(P + "/warehouse", status_code=201)
@idempotent("sh.declare")
def declare(body: s.WarehouseDeclare, actor: Trader, session: DbSession) -> s.WarehouseItemRead:
    return s.WarehouseItemRead.model_validate(
        warehouse.item_view(session, warehouse.declare(session, actor, **body.model_dump()))
    )


@router.get(P + "/warehouse")
def list_warehouse(
    actor: Reader, session: DbSession, paged: Paged, state: Code | None = None
) -> list[s.WarehouseItemRead]:
    """The 公务仓 items in scope, newest first, a page at a time."""
    rows = paged.rows(session, warehouse.items_of(actor, state=state))
    return [s.WarehouseItemRead.model_validate(warehouse.item_view(session, i)) for i in rows]


@router.get(P + "/warehouse/pool")
def pool(actor: Trader, session: DbSession, paged: Paged) -> list[s.WarehouseItemRead]:
    """What a public institution may claim, plus its own declarations, a page at a time."""
    rows = paged.rows(session, warehouse.items_of(actor, pool_of=actor.org_id or 0))
    return [s.WarehouseItemRead.model_validate(warehouse.item_view(session, i)) for i in rows]


@router.get(P + "/warehouse/statistics")
def statistics(actor: Reader, session: DbSession) -> list[s.WarehouseStatistics]:
    return [s.WarehouseStatistics.model_validate(r) for r in warehouse.statistics(session, actor)]


@router.get(P + "/warehouse/{item_id}")
def get_item(item_id: Id, actor: Reader, session: DbSession) -> s.WarehouseItemDetail:
    item = warehouse.get_item(session, actor, item_id)
    steps = common.steps_of(session, "warehouse", item.id)
    return s.WarehouseItemDetail.model_validate(
        {
            **asdict(warehouse.item_view(session, item)),
            "steps": [{"from": x.from_state, "to": x.to_state, "note": x.note} for x in steps],
        }
    )


@router.post(P + "/warehouse/{item_id}/review")
@idempotent("sh.review.{item_id}")
def review(item_id: Id, body: s.Review, actor: Manager, session: DbSession) -> s.WarehouseItemRead:
    item = warehouse.review(session, actor, item_id=item_id, accept=body.accept, note=body.note)
    return s.WarehouseItemRead.model_validate(warehouse.item_view(session, item))


@router.post(P + "/warehouse/{item_id}/claim")
@idempotent("sh.claim.{item_id}")
def claim(item_id: Id, body: s.Note, actor: Trader, session: DbSession) -> s.WarehouseItemRead:
    return s.WarehouseItemRead.model_validate(
        warehouse.item_view(
            session, warehouse.claim(session, actor, item_id=item_id, note=body.note)
        )
    )


@router.post(P + "/warehouse/{item_id}/release")
@idempotent("sh.release.{item_id}")
def release(item_id: Id, body: s.Note, actor: Manager, session: DbSession) -> s.WarehouseItemRead:
    item = warehouse.release_claim(session, actor, item_id=item_id, note=body.note)
    return s.WarehouseItemRead.model_validate(warehouse.item_view(session, item))


@router.post(P + "/warehouse/{item_id}/approve")
@idempotent("sh.approve.{item_id}")
def approve(
    item_id: Id, body: s.Approve, actor: Manager, session: DbSession
) -> s.WarehouseItemRead:
    return s.WarehouseItemRead.model_validate(
        warehouse.item_view(
            session, warehouse.approve(session, actor, item_id=item_id, **body.model_dump())
        )
    )


@router.post(P + "/warehouse/{item_id}/complete")
@idempotent("sh.complete.{item_id}")
def complete(
    item_id: Id, body: s.Complete, actor: Manager, session: DbSession
) -> s.WarehouseItemRead:
    return s.WarehouseItemRead.model_validate(
        warehouse.item_view(
            session, warehouse.complete(session, actor, item_id=item_id, **body.model_dump())
        )
    )
