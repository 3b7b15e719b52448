"""Used-equipment trading for enterprises and public institutions: listings with photos and
condition, enquiries, offers, and the transfer through its states
(listed → under offer → agreed → in storage → in transport → delivered / disposed).

A listing may name a row of the seller's equipment ledger (``equipment_ref``, checked through
``secondhand.ports``); when the item has left (delivered or disposed) the ledger link of
``secondhand.ports`` marks that row as left, in the same transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    Conflict,
    InvalidInput,
    MalformedFile,
    OutOfRange,
    PermissionDenied,
    UnknownReference,
)
from huanxin.core.models import Organization
from huanxin.core.paging import Pager
from huanxin.secondhand import ports, vocab
from huanxin.secondhand.errors import DuplicateOpenListing, IllegalTransition
from huanxin.secondhand.models import Enquiry, Listing, ListingPhoto, Offer
from huanxin.secondhand.service import common
from huanxin.secondhand.states import LISTINGS, ListingState

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTOS = 6
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SELLER_MOVES = frozenset({"in_storage", "in_transport", "disposed", "delivered", "withdrawn"})


def _org(actor: Actor) -> int:
    if actor.org_id is None:
        raise PermissionDenied("您的账号未绑定机构")
    return actor.org_id


def _move(session: Session, actor: Actor, listing: Listing, to_state: str, note: str = "") -> None:
    before = listing.state
    listing.state = LISTINGS.check(before, to_state)
    common.add_step(
        session,
        actor,
        subject="listing",
        subject_id=listing.id,
        from_state=before,
        to_state=to_state,
        note=note,
    )
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.listing_moved",
        object_type="sh_listing",
        object_id=listing.id,
        before={"state": before},
        after={"state": to_state},
        detail={"note": note},
        jurisdiction_code=listing.jurisdiction_code,
    )
    if to_state in vocab.LISTING_LEFT and listing.equipment_ref:
        reason = f"二手设备挂牌#{listing.id}{vocab.LISTING_STATES[to_state]}"
        ports.ledger().item_left(
            session, actor, listing.seller_org_id, listing.equipment_ref, reason
        )


def ledger_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """The caller's equipment-ledger rows a listing may name (``equipment_ref``, label): those
    the ledger still holds and no open listing of the caller names."""
    if actor.org_id is None:
        return []
    listed = set(
        session.scalars(
            select(Listing.equipment_ref).where(
                Listing.seller_org_id == actor.org_id, Listing.state.in_(vocab.LISTING_OPEN)
            )
        )
    )
    choices = ports.ledger().choices(session, actor.org_id)
    return [choice for choice in choices if choice[0] not in listed]


def _equipment_ref(session: Session, org_id: int, value: str | None) -> str | None:
    """The ledger row a listing names: held by the seller and on no other open listing."""
    ref = (value or "").strip()
    if not ref:
        return None
    ref = ports.ledger().check(session, org_id, ref)
    clash = select(Listing.id).where(
        Listing.seller_org_id == org_id,
        Listing.equipment_ref == ref,
        Listing.state.in_(vocab.LISTING_OPEN),
    )
    if session.scalars(clash).first():
        raise DuplicateOpenListing("该台账设备已有未结束的挂牌", field="equipment_ref")
    return ref


def create_listing(
    session: Session,
    actor: Actor,
    *,
    title: str,
    category: str,
    brand: str,
    model: str,
    serial: str,
    condition: str,
    asking_price_fen: int,
    condition_note: str = "",
    equipment_ref: str | None = None,
) -> Listing:
    org = session.get(Organization, _org(actor))
    assert org is not None
    common.choice(condition, vocab.GRADES, field="condition", label="成色等级")
    number = common.serial(serial, category="equipment")
    clash = select(Listing.id).where(
        Listing.serial == number, Listing.state.in_(vocab.LISTING_OPEN)
    )
    if session.scalars(clash).first():
        raise DuplicateOpenListing("该序列号的设备已有未结束的挂牌", field="serial")
    ref = _equipment_ref(session, org.id, equipment_ref)
    row = Listing(
        seller_org_id=org.id,
        jurisdiction_code=org.jurisdiction_code,
        title=common.text(title, field="title", label="标题", max_len=128),
        category=common.text(category, field="category", label="设备类别", max_len=32),
        brand=common.text(brand, field="brand", label="品牌"),
        model=common.text(model, field="model", label="型号"),
        serial=number,
        equipment_ref=ref,
        condition=condition,
        condition_note=condition_note.strip()[:512],
        state=ListingState.LISTED,
        created_by=actor.user_id,
        asking_price_fen=common.positive_fen(
            asking_price_fen, field="asking_price_fen", label="挂牌价"
        ),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    common.add_step(
        session, actor, subject="listing", subject_id=row.id, from_state=None, to_state="listed"
    )
    audit.record(
        session,
        actor,
        "secondhand.listing_created",
        object_type="sh_listing",
        object_id=row.id,
        after={
            "serial": number,
            "equipment_ref": row.equipment_ref,
            "asking_price_fen": row.asking_price_fen,
        },
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def get_listing(session: Session, actor: Actor, listing_id: int) -> Listing:
    row = session.get(Listing, listing_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "挂牌不存在")


def _own(session: Session, actor: Actor, listing_id: int) -> Listing:
    listing = get_listing(session, actor, listing_id)
    if listing.seller_org_id != actor.org_id:
        raise PermissionDenied("只有卖方可以办理此操作")
    return listing


def readable(actor: Actor) -> Select[Listing]:
    """The listings of the actor's scope (the market's list and its export read this)."""
    return select(Listing).where(Listing.jurisdiction_code.in_(actor.scope_codes))


def list_listings(
    session: Session, actor: Actor, *, state: str | None = None, pager: Pager | None = None
) -> list[Listing]:
    """Listings in scope, newest first: the newest 300, or the page ``pager`` reads (API)."""
    stmt = readable(actor)
    if state:
        stmt = stmt.where(Listing.state == state)
    stmt = stmt.order_by(Listing.id.desc())
    return pager(stmt) if pager else list(session.scalars(stmt.limit(300)))


def sniff(data: bytes) -> str:
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            return kind
    raise InvalidInput("照片只能是JPG或PNG格式", field="photo")


def add_photo(session: Session, actor: Actor, *, listing_id: int, data: bytes) -> ListingPhoto:
    listing = _own(session, actor, listing_id)
    if not data:
        raise MalformedFile("照片文件为空", field="photo")
    if len(data) > MAX_PHOTO_BYTES:
        raise OutOfRange("照片不能超过2MB", field="photo")
    kind = sniff(data)
    count = session.scalar(select(func.count()).where(ListingPhoto.listing_id == listing.id)) or 0
    if count >= MAX_PHOTOS:
        raise Conflict(f"每个挂牌最多{MAX_PHOTOS}张照片", field="photo")
    photo = ListingPhoto(
        listing_id=listing.id,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=utcnow(),
    )
    session.add(photo)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.listing_photo_added",
        object_type="sh_listing",
        object_id=listing.id,
        detail={"photo_id": photo.id, "sha256": photo.sha256, "size": photo.size},
        jurisdiction_code=listing.jurisdiction_code,
    )
    return photo


def get_photo(session: Session, actor: Actor, photo_id: int) -> ListingPhoto:
    photo = session.get(ListingPhoto, photo_id)
    listing = session.get(Listing, photo.listing_id) if photo else None
    return visible(actor, photo, listing.jurisdiction_code if listing else None, "照片不存在")


def enquire(session: Session, actor: Actor, *, listing_id: int, message: str) -> Enquiry:
    listing = get_listing(session, actor, listing_id)
    if listing.seller_org_id == _org(actor):
        raise Conflict("不能对自己的挂牌发起询价")
    if listing.state not in ("listed", "under_offer"):
        raise Conflict("该挂牌已不接受询价", field="state")
    row = Enquiry(
        listing_id=listing.id,
        from_org_id=_org(actor),
        created_by=actor.user_id,
        message=common.text(message, field="message", label="询价内容", max_len=512),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.enquiry_made",
        object_type="sh_listing",
        object_id=listing.id,
        detail={"enquiry_id": row.id},
        jurisdiction_code=listing.jurisdiction_code,
    )
    return row


def make_offer(session: Session, actor: Actor, *, listing_id: int, price_fen: int) -> Offer:
    listing = get_listing(session, actor, listing_id)
    if listing.seller_org_id == _org(actor):
        raise Conflict("不能对自己的挂牌报价")
    if listing.state not in ("listed", "under_offer"):
        raise IllegalTransition("该挂牌已不接受报价", field="state")
    offer = Offer(
        listing_id=listing.id,
        buyer_org_id=_org(actor),
        status="open",
        price_fen=common.positive_fen(price_fen, field="price_fen", label="报价"),
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(offer)
    session.flush()
    audit.record(
        session,
        actor,
        "secondhand.offer_made",
        object_type="sh_listing",
        object_id=listing.id,
        detail={"offer_id": offer.id, "price_fen": offer.price_fen},
        jurisdiction_code=listing.jurisdiction_code,
    )
    if listing.state == "listed":
        _move(session, actor, listing, "under_offer", note=f"收到报价#{offer.id}")
    return offer


def _offer(session: Session, actor: Actor, offer_id: int) -> tuple[Offer, Listing]:
    offer = session.get(Offer, offer_id)
    listing = _own(session, actor, offer.listing_id) if offer else None
    if offer is None or listing is None:
        raise UnknownReference("报价不存在", field="offer_id")
    if offer.status != "open":
        raise Conflict("该报价已处理", field="offer_id")
    return offer, listing


def decide_offer(session: Session, actor: Actor, *, offer_id: int, accept: bool) -> Listing:
    """The seller accepts (→ agreed, other offers rejected) or rejects an offer."""
    offer, listing = _offer(session, actor, offer_id)
    if not accept:
        offer.status = "rejected"
        session.flush()
        still_open = session.scalars(
            select(Offer.id).where(Offer.listing_id == listing.id, Offer.status == "open")
        ).first()
        if still_open is None and listing.state == "under_offer":
            _move(session, actor, listing, "listed", note=f"拒绝报价#{offer.id}")
        return listing
    _move(session, actor, listing, "agreed", note=f"接受报价#{offer.id}")
    for other in session.scalars(
        select(Offer).where(Offer.listing_id == listing.id, Offer.status == "open")
    ):
        other.status = "rejected"
    offer.status = "accepted"
    listing.buyer_org_id, listing.agreed_price_fen = offer.buyer_org_id, offer.price_fen
    session.flush()
    return listing


def advance(
    session: Session, actor: Actor, *, listing_id: int, to_state: str, note: str = ""
) -> Listing:
    """The seller moves an agreed item through storage and transport, or withdraws a listing."""
    listing = _own(session, actor, listing_id)
    if to_state not in SELLER_MOVES:
        raise IllegalTransition("该状态只能通过报价或接受报价产生", field="state")
    if to_state == "withdrawn":
        for offer in session.scalars(
            select(Offer).where(Offer.listing_id == listing.id, Offer.status == "open")
        ):
            offer.status = "rejected"
    _move(session, actor, listing, to_state, note=note.strip())
    return listing


@dataclass(frozen=True)
class OfferView:
    id: int
    buyer_org_id: int
    price_fen: int
    status: str


@dataclass(frozen=True)
class StepView:
    """One move of a listing: ``from_`` is answered as ``from`` by the API."""

    from_: str | None
    to: str
    note: str
    at: str


@dataclass(frozen=True)
class ListingView:
    """A listing with its seller's name, the offers the viewer may see and its moves."""

    id: int
    title: str
    category: str
    brand: str
    model: str
    serial: str
    equipment_ref: str | None
    condition: str
    condition_note: str
    asking_price_fen: int
    state: str
    state_label: str
    seller_org_id: int
    seller: str
    buyer_org_id: int | None
    agreed_price_fen: int | None
    photo_ids: list[int]
    jurisdiction_code: str
    offers: list[OfferView]
    steps: list[StepView]


def listing_view(session: Session, actor: Actor, listing: Listing) -> ListingView:
    seller = session.get(Organization, listing.seller_org_id)
    photos = session.scalars(select(ListingPhoto.id).where(ListingPhoto.listing_id == listing.id))
    offers = session.scalars(select(Offer).where(Offer.listing_id == listing.id).order_by(Offer.id))
    mine = listing.seller_org_id == actor.org_id or actor.can("secondhand:read")
    return ListingView(
        id=listing.id,
        title=listing.title,
        category=listing.category,
        brand=listing.brand,
        model=listing.model,
        serial=listing.serial,
        equipment_ref=listing.equipment_ref,
        condition=listing.condition,
        condition_note=listing.condition_note,
        asking_price_fen=listing.asking_price_fen,
        state=listing.state,
        state_label=vocab.LISTING_STATES[listing.state],
        seller_org_id=listing.seller_org_id,
        seller=seller.name if seller else "",
        buyer_org_id=listing.buyer_org_id,
        agreed_price_fen=listing.agreed_price_fen,
        photo_ids=list(photos),
        jurisdiction_code=listing.jurisdiction_code,
        offers=[
            OfferView(o.id, o.buyer_org_id, o.price_fen, o.status)
            for o in offers
            if mine or o.buyer_org_id == actor.org_id
        ],
        steps=[
            StepView(s.from_state, s.to_state, s.note, s.at.isoformat())
            for s in common.steps_of(session, "listing", listing.id)
        ],
    )
