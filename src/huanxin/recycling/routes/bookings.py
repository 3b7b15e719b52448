"""API of the recycling domain: bookings and quotes, dispatch plans, pickup completion,
reverse invoices and the public certificate check. Network and flow endpoints are in
``routes.network`` in this package."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Day, Id, Line
from huanxin.core.errors import Required
from huanxin.recycling.models import Booking, Plan
from huanxin.recycling.schemas import (
    BookingCreate,
    BookingRead,
    CertificateCheck,
    InvoiceCreate,
    InvoiceRead,
    IssuedCertificate,
    PickupComplete,
    PickupRead,
    PlanCreate,
    QuoteRead,
    RoutePlanRead,
)
from huanxin.recycling.service import bookings, certificates, completion, dispatching
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1")
Booker = Annotated[Actor, Depends(require("recycling:book"))]
Reader = Annotated[Actor, Depends(require("recycling:read"))]
Operator = Annotated[Actor, Depends(require("recycling:operate"))]


def booking_read(session: DbSession, booking: Booking) -> BookingRead:
    return BookingRead.model_validate(bookings.booking_view(session, booking), from_attributes=True)


def plan_read(session: DbSession, plan: Plan) -> RoutePlanRead:
    return RoutePlanRead.model_validate(dispatching.plan_view(session, plan), from_attributes=True)


@router.post("/recycling/quote")
def quote(body: BookingCreate, actor: Booker, session: DbSession) -> QuoteRead:
    new = body.to_new()
    _, lines, total = bookings.quote_items(
        session, actor.jurisdiction_code, new.service_date, new.items
    )
    return QuoteRead(lines_fen=lines, total_fen=total)


@router.post("/recycling/bookings", status_code=201)
@idempotent("recycling.booking.create")
def create_booking(body: BookingCreate, actor: Booker, session: DbSession) -> BookingRead:
    return booking_read(session, bookings.create_booking(session, actor, body.to_new()))


@router.get("/recycling/bookings")
def my_bookings(actor: Booker, session: DbSession, paged: Paged) -> list[BookingRead]:
    """The resident's bookings, newest first, a page at a time."""
    return [booking_read(session, b) for b in paged.rows(session, bookings.bookings_of(actor))]


@router.get("/recycling/bookings/{booking_id}")
def my_booking(booking_id: Id, actor: Booker, session: DbSession) -> BookingRead:
    return booking_read(session, bookings.get_booking(session, actor, booking_id))


@router.post("/recycling/bookings/{booking_id}/cancel")
@idempotent("recycling.booking.cancel", payload=lambda booking_id: {"id": booking_id})
def cancel_booking(booking_id: Id, actor: Booker, session: DbSession) -> BookingRead:
    return booking_read(session, bookings.cancel_booking(session, actor, booking_id))


@router.get("/recycling/ops/bookings")
def ops_bookings(
    actor: Reader,
    session: DbSession,
    paged: Paged,
    service_date: Day | None = None,
    status: Code | None = None,
) -> list[BookingRead]:
    """The bookings in scope, of one day and status when given, newest first, paged."""
    rows = paged.rows(session, bookings.bookings_of(actor, day=service_date, status=status))
    return [booking_read(session, b) for b in rows]


@router.post("/recycling/plans", status_code=201)
@idempotent("recycling.plan.create")
def make_plan(body: PlanCreate, actor: Reader, session: DbSession) -> RoutePlanRead:
    dispatching.ensure_dispatcher(actor)
    plan = dispatching.plan_for_day(
        session,
        actor,
        jurisdiction_code=body.jurisdiction_code,
        day=body.service_date,
        seconds=body.seconds,
    )
    return plan_read(session, plan)


@router.get("/recycling/plans")
def find_plan(
    actor: Reader, session: DbSession, jurisdiction_code: Code, service_date: Day
) -> RoutePlanRead:
    plan = dispatching.find_plan(
        session, actor, jurisdiction_code=jurisdiction_code, day=service_date
    )
    return plan_read(session, plan)


@router.get("/recycling/plans/{plan_id}")
def get_plan(plan_id: Id, actor: Reader, session: DbSession) -> RoutePlanRead:
    return plan_read(session, dispatching.get_plan(session, actor, plan_id))


@router.post("/recycling/bookings/{booking_id}/complete", status_code=201)
@idempotent(
    "recycling.pickup.complete",
    payload=lambda booking_id, body: {"id": booking_id, **body.model_dump(mode="json")},
)
def complete(
    booking_id: Id, body: PickupComplete, actor: Operator, session: DbSession
) -> PickupRead:
    pickup, issued = completion.complete_pickup(
        session,
        actor,
        booking_id=booking_id,
        lines=body.to_lines(),
        payment_method=body.payment_method,
        payment_ref=body.payment_ref,
        site_id=body.site_id,
        on=body.completed_on,
        early_reason=body.early_reason,
    )
    return PickupRead(
        pickup_id=pickup.id,
        paid_fen=pickup.paid_fen,
        weight_g=pickup.weight_g,
        site_id=pickup.site_id,
        certificates=[IssuedCertificate(number=n, code=c) for n, c in issued],
    )


@router.post("/recycling/pickups/{pickup_id}/reverse-invoice", status_code=201)
@idempotent(
    "recycling.invoice.create",
    payload=lambda pickup_id, body: {"id": pickup_id, **body.model_dump()},
)
def reverse_invoice(
    pickup_id: Id, body: InvoiceCreate, actor: Operator, session: DbSession
) -> InvoiceRead:
    inv = completion.issue_reverse_invoice(
        session,
        actor,
        pickup_id=pickup_id,
        seller_name=body.seller_name,
        seller_resident_id=body.seller_resident_id,
    )
    return InvoiceRead(
        number=inv.number,
        amount_fen=inv.amount_fen,
        issued_on=inv.issued_on.isoformat(),
        rule_id=inv.rule_id,
    )


@router.get("/recycling/certificates/verify", dependencies=[Depends(public)])
def verify_certificate(session: DbSession, number: Line = "", code: Code = "") -> CertificateCheck:
    if not number or not code:
        raise Required("请填写回收证明编号和校验码", field="recycling_cert_no")
    facts = certificates.verify(session, number=number, code=code)
    return CertificateCheck.model_validate(facts, from_attributes=True)
