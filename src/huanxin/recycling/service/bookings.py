"""Doorstep bookings: validation, the instant quote, cancellation, listing.

Rules checked before anything is stored: every item is in the catalogue and priced in the
price list in force on the service day; the coordinates lie in the jurisdiction's service
area; the window is not in the past and ends after it starts; no single item line and no
whole booking is heavier than the largest vehicle serving the jurisdiction. A booking made
for a day that already has a plan is inserted into that live plan at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, jurisdictions, pii
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import CHINA_TZ, utcnow
from huanxin.core.errors import NotAChoice, OutOfRange, PermissionDenied, Required
from huanxin.recycling.errors import (
    CategoryNotPriced,
    ItemTooHeavy,
    NoContactPhone,
    NoVehiclesInArea,
    WindowInPast,
)
from huanxin.recycling.models import Booking, BookingItem, PlanRoute, PlanStop, Vehicle
from huanxin.recycling.service import network
from huanxin.recycling.states import BOOKINGS, OPEN_STATES, STATUS_LABELS, BookingState
from huanxin.recycling.vocab import (
    CONDITIONS,
    category,
    clock_text,
    kg_text,
    price_of_line,
)

__all__ = ["OPEN_STATES", "STATUS_LABELS"]


@dataclass(frozen=True)
class ItemIn:
    category: str
    count: int
    est_weight_g: int
    condition: str = "intact"


@dataclass(frozen=True)
class BookingIn:
    address: str
    lat: float
    lon: float
    service_date: date
    window_start_s: int
    window_end_s: int
    items: Sequence[ItemIn]
    phone: str = ""  # contact mobile for the driver; sealed when stored


def local_now(now: datetime | None = None) -> tuple[date, int]:
    """Today's local date and seconds since local midnight."""
    moment = (now or utcnow()).astimezone(CHINA_TZ)
    return moment.date(), moment.hour * 3600 + moment.minute * 60 + moment.second


def _check_window(new: BookingIn, now: datetime | None) -> None:
    if new.window_end_s <= new.window_start_s:
        raise OutOfRange("时间窗结束须晚于开始", field="window_end")
    if not (new.window_start_s >= 0 and new.window_end_s <= 24 * 3600):
        raise OutOfRange("时间窗须在当天之内", field="window_start")
    today, now_s = local_now(now)
    if new.service_date < today or (new.service_date == today and new.window_start_s < now_s):
        raise WindowInPast("预约时间窗的开始时间已过，请选择以后的时间", field="window_start")


def _check_items(items: Sequence[ItemIn]) -> None:
    if not items:
        raise Required("请至少填写一件回收物品", field="items")
    for i, item in enumerate(items):
        cat = category(item.category, field=f"items[{i}].category")
        if item.count < 1:
            raise OutOfRange("数量至少为1", field=f"items[{i}].count")
        if item.est_weight_g <= 0:
            raise OutOfRange("预估重量必须大于0千克", field=f"items[{i}].weight_kg")
        allowed = {"any"} if cat.kind == "material" else set(CONDITIONS) - {"any"}
        if item.condition not in allowed:
            raise NotAChoice("成色取值不正确", field=f"items[{i}].condition")


def _check_weight(session: Session, code: str, items: Sequence[ItemIn]) -> None:
    codes = jurisdictions.subtree_codes(session, _service_root(session, code))
    vehicles = network.vehicles_in(session, codes)
    if not vehicles:
        raise NoVehiclesInArea("该区划暂无上门回收车辆", field="jurisdiction_code")
    largest = max(v.capacity_kg for v in vehicles) * 1000
    for i, item in enumerate(items):
        if item.est_weight_g > largest:
            raise ItemTooHeavy(
                f"该物品预估{kg_text(item.est_weight_g)}千克，超过任何回收车辆的"
                f"载重（最大{kg_text(largest)}千克）",
                field=f"items[{i}].weight_kg",
            )
    if sum(item.est_weight_g for item in items) > largest:
        raise ItemTooHeavy("整单预估重量超过任何回收车辆的载重，请分次预约", field="items")


def _service_root(session: Session, code: str) -> str:
    area = network.area_for(session, code)
    return area.jurisdiction_code if area else code


def quote_items(
    session: Session, code: str, day: date, items: Sequence[ItemIn]
) -> tuple[int, list[int], int]:
    """(price list id, line quotes in fen, total) for the items on ``day``."""
    price_list = network.price_list_in_force(session, code, day)
    prices = network.prices_of(session, price_list.id)
    lines = []
    for i, item in enumerate(items):
        cat = category(item.category, field=f"items[{i}].category")
        key = (item.category, item.condition if cat.kind == "appliance" else "any")
        if key not in prices:
            raise CategoryNotPriced("该品类在当前价目表中没有报价", field=f"items[{i}].category")
        lines.append(
            price_of_line(
                cat=cat, unit_price_fen=prices[key], units=item.count, weight_g=item.est_weight_g
            )
        )
    return price_list.id, lines, sum(lines)


def create_booking(
    session: Session, actor: Actor, new: BookingIn, *, now: datetime | None = None
) -> Booking:
    code = actor.jurisdiction_code
    if not new.address.strip():
        raise Required("请填写上门地址", field="address")
    phone = identifiers.mobile(new.phone, field="phone") if new.phone.strip() else None
    _check_items(new.items)
    _check_window(new, now)
    network.check_in_area(session, code, new.lat, new.lon)
    _check_weight(session, code, new.items)
    price_list_id, lines, total = quote_items(session, code, new.service_date, new.items)
    booking = Booking(
        consumer_user_id=actor.user_id,
        jurisdiction_code=code,
        address=new.address.strip(),
        lat=new.lat,
        lon=new.lon,
        service_date=new.service_date,
        window_start_s=new.window_start_s,
        window_end_s=new.window_end_s,
        status=BookingState.BOOKED,
        quote_fen=total,
        price_list_id=price_list_id,
        created_at=now or utcnow(),
        phone_enc=pii.seal(phone) if phone else None,
    )
    session.add(booking)
    session.flush()
    session.add_all(
        BookingItem(
            booking_id=booking.id,
            category=item.category,
            condition=item.condition,
            count=item.count,
            est_weight_g=item.est_weight_g,
            quote_fen=line,
        )
        for item, line in zip(new.items, lines, strict=True)
    )
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.booking_created",
        object_type="recycling_booking",
        object_id=booking.id,
        after={
            "quote_fen": total,
            "date": new.service_date,
            "window": [new.window_start_s, new.window_end_s],
        },
        jurisdiction_code=code,
    )
    from huanxin.recycling.service import dispatching

    dispatching.insert_if_live(session, actor, booking, now=now)
    return booking


def get_booking(session: Session, actor: Actor, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if (
        booking is not None
        and actor.role == "consumer"
        and booking.consumer_user_id != actor.user_id
    ):
        booking = None
    return visible(actor, booking, booking.jurisdiction_code if booking else None, "预约不存在")


def items_of(session: Session, booking_id: int) -> list[BookingItem]:
    stmt = select(BookingItem).where(BookingItem.booking_id == booking_id)
    return list(session.scalars(stmt.order_by(BookingItem.id)))


def cancel_booking(session: Session, actor: Actor, booking_id: int) -> Booking:
    booking = get_booking(session, actor, booking_id)
    before = booking.status
    booking.status = BOOKINGS.check(before, BookingState.CANCELLED, field="status")
    booking.cancelled_at = utcnow()
    session.execute(delete(PlanStop).where(PlanStop.booking_id == booking.id))
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.booking_cancelled",
        object_type="recycling_booking",
        object_id=booking.id,
        before={"status": before},
        after={"status": "cancelled"},
        jurisdiction_code=booking.jurisdiction_code,
    )
    return booking


def readable(actor: Actor) -> Select[Booking]:
    """Bookings in scope; a resident only their own."""
    stmt = select(Booking).where(Booking.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "consumer":
        stmt = stmt.where(Booking.consumer_user_id == actor.user_id)
    return stmt


def bookings_of(
    actor: Actor, *, day: date | None = None, status: str | None = None
) -> Select[Booking]:
    """The bookings ``actor`` may read, of one day and status when given, newest first."""
    stmt = readable(actor)
    if day is not None:
        stmt = stmt.where(Booking.service_date == day)
    if status:
        stmt = stmt.where(Booking.status == status)
    return stmt.order_by(Booking.id.desc())


def list_bookings(
    session: Session, actor: Actor, *, day: date | None = None, status: str | None = None
) -> list[Booking]:
    """Every booking of one day (the dispatch board and the demo), newest first."""
    return list(session.scalars(bookings_of(actor, day=day, status=status)))


@dataclass(frozen=True)
class BookingLine:
    """One item of a booking, with its category's label and the estimated weight as text."""

    category: str
    label: str
    condition: str
    count: int
    est_weight_kg: str
    quote_fen: int


@dataclass(frozen=True)
class BookingView:
    """A booking as its answers show it: status label, time window as text, its items."""

    id: int
    status: str
    status_label: str
    jurisdiction_code: str
    address: str
    lat: float
    lon: float
    service_date: str
    window: str
    quote_fen: int
    items: list[BookingLine]


def booking_view(session: Session, booking: Booking) -> BookingView:
    lines = [
        BookingLine(
            category=i.category,
            label=category(i.category).label,
            condition=i.condition,
            count=i.count,
            est_weight_kg=kg_text(i.est_weight_g),
            quote_fen=i.quote_fen,
        )
        for i in items_of(session, booking.id)
    ]
    return BookingView(
        id=booking.id,
        status=booking.status,
        status_label=STATUS_LABELS[booking.status],
        jurisdiction_code=booking.jurisdiction_code,
        address=booking.address,
        lat=booking.lat,
        lon=booking.lon,
        service_date=booking.service_date.isoformat(),
        window=f"{clock_text(booking.window_start_s)}-{clock_text(booking.window_end_s)}",
        quote_fen=booking.quote_fen,
        items=lines,
    )


def masked_phone(booking: Booking) -> str | None:
    """The contact mobile as shown on lists: ``138****5678``."""
    return identifiers.mask_mobile(pii.unseal(booking.phone_enc)) if booking.phone_enc else None


def _drives_or_dispatches(session: Session, actor: Actor, booking: Booking) -> bool:
    """Whether a recycler may call: the booking is on no route, or on one of its vehicles."""
    stmt = (
        select(Vehicle.org_id)
        .join(PlanRoute, PlanRoute.vehicle_id == Vehicle.id)
        .join(PlanStop, PlanStop.route_id == PlanRoute.id)
        .where(PlanStop.booking_id == booking.id)
    )
    owners = set(session.scalars(stmt))
    return not owners or actor.org_id in owners


def reveal_phone(session: Session, actor: Actor, booking_id: int) -> str:
    """The full contact mobile for a call by the driver or dispatcher; each read is audited.

    The office (dispatcher of its jurisdictions) may call any booking it can see; a
    recycler may call a booking of its jurisdiction that no route holds yet (it
    dispatches) or one on a route of its own vehicles (it drives), never a stop on
    another company's route.
    """
    if not (actor.can("recycling:operate") or actor.can("recycling:manage")):
        raise PermissionDenied("只有回收企业和主管部门可以拨打预约人电话")
    booking = get_booking(session, actor, booking_id)
    if not actor.can("recycling:manage") and not _drives_or_dispatches(session, actor, booking):
        raise PermissionDenied("该预约由其他回收企业的车辆上门，只有其司机可以拨打")
    if not booking.phone_enc:
        raise NoContactPhone("该预约没有留联系电话", field="phone")
    audit.record(
        session,
        actor,
        "recycling.phone_revealed",
        object_type="recycling_booking",
        object_id=booking.id,
        detail={"fields": ["phone"]},
        jurisdiction_code=booking.jurisdiction_code,
    )
    return pii.unseal(booking.phone_enc)
