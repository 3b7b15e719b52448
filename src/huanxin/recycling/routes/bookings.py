"""API of the recycling domain: bookings and quotes, dispatch plans, pickup completion,
reverse invoices and the public certificate check. Network and flow endpoints are in
``routes.network`` in this package."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Day, Id, IdempotencyKey, Line
from huanxin.core.errors import InvalidInput
from huanxin.recycling.schemas import BookingCreate, InvoiceCreate, PickupComplete, PlanCreate
from huanxin.recycling.service import bookings, certificates, completion, dispatching
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import respond

router = APIRouter()
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Booker = Annotated[Actor, Depends(require("recycling:book"))]
Reader = Annotated[Actor, Depends(require("recycling:read"))]
Operator = Annotated[Actor, Depends(require("recycling:operate"))]


@router.post("/recycling/quote")
def quote(body: BookingCreate, actor: Booker, session: DbSession) -> dict[str, object]:
    new = body.to_new()
    _, lines, total = bookings.quote_items(
        session, actor.jurisdiction_code, new.service_date, new.items
    )
    return {"lines_fen": lines, "total_fen": total}


@router.post("/recycling/bookings", status_code=201)
def create_booking(
    body: BookingCreate, actor: Booker, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        booking = bookings.create_booking(session, actor, body.to_new())
        return 201, bookings.booking_dict(session, booking)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.booking.create",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.get("/recycling/bookings")
def my_bookings(actor: Booker, session: DbSession) -> list[dict[str, object]]:
    return [bookings.booking_dict(session, b) for b in bookings.list_bookings(session, actor)]


@router.get("/recycling/bookings/{booking_id}")
def my_booking(booking_id: Id, actor: Booker, session: DbSession) -> dict[str, object]:
    return bookings.booking_dict(session, bookings.get_booking(session, actor, booking_id))


@router.post("/recycling/bookings/{booking_id}/cancel")
def cancel_booking(
    booking_id: Id, actor: Booker, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        booking = bookings.cancel_booking(session, actor, booking_id)
        return 200, bookings.booking_dict(session, booking)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.booking.cancel",
        payload={"id": booking_id},
        action=action,
    )


@router.get("/recycling/ops/bookings")
def ops_bookings(
    actor: Reader, session: DbSession, service_date: Day | None = None, status: Code | None = None
) -> list[dict[str, object]]:
    rows = bookings.list_bookings(session, actor, day=service_date, status=status)
    return [bookings.booking_dict(session, b) for b in rows]


@router.post("/recycling/plans", status_code=201)
def make_plan(
    body: PlanCreate, actor: Reader, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    dispatching.ensure_dispatcher(actor)

    def action() -> tuple[int, object]:
        plan = dispatching.plan_for_day(
            session,
            actor,
            jurisdiction_code=body.jurisdiction_code,
            day=body.service_date,
            seconds=body.seconds,
        )
        return 201, dispatching.plan_dict(session, plan)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.plan.create",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.get("/recycling/plans")
def find_plan(
    actor: Reader, session: DbSession, jurisdiction_code: Code, service_date: Day
) -> dict[str, object]:
    plan = dispatching.find_plan(
        session, actor, jurisdiction_code=jurisdiction_code, day=service_date
    )
    return dispatching.plan_dict(session, plan)


@router.get("/recycling/plans/{plan_id}")
def get_plan(plan_id: Id, actor: Reader, session: DbSession) -> dict[str, object]:
    return dispatching.plan_dict(session, dispatching.get_plan(session, actor, plan_id))


@router.post("/recycling/bookings/{booking_id}/complete", status_code=201)
def complete(
    booking_id: Id,
    body: PickupComplete,
    actor: Operator,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
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
        return 201, {
            "pickup_id": pickup.id,
            "paid_fen": pickup.paid_fen,
            "weight_g": pickup.weight_g,
            "site_id": pickup.site_id,
            "certificates": [{"number": n, "code": c} for n, c in issued],
        }

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.pickup.complete",
        payload={"id": booking_id, **body.model_dump(mode="json")},
        action=action,
    )


@router.post("/recycling/pickups/{pickup_id}/reverse-invoice", status_code=201)
def reverse_invoice(
    pickup_id: Id,
    body: InvoiceCreate,
    actor: Operator,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        inv = completion.issue_reverse_invoice(
            session,
            actor,
            pickup_id=pickup_id,
            seller_name=body.seller_name,
            seller_resident_id=body.seller_resident_id,
        )
        return 201, {
            "number": inv.number,
            "amount_fen": inv.amount_fen,
            "issued_on": inv.issued_on.isoformat(),
            "rule_id": inv.rule_id,
        }

    payload = {"id": pickup_id, **body.model_dump()}
    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="recycling.invoice.create",
        payload=payload,
        action=action,
    )


@router.get("/recycling/certificates/verify", dependencies=[Depends(public)])
def verify_certificate(session: DbSession, number: Line = "", code: Code = "") -> dict[str, object]:
    if not number or not code:
        raise InvalidInput("请填写回收证明编号和校验码", field="recycling_cert_no")
    return certificates.verify(session, number=number, code=code)
