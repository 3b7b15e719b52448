"""Pickup completion: weighing per item, the price paid with its payment record, the
recycling certificates, and the reverse invoice (反向开票) to the natural-person seller.

Prices come from the price list in force on the completion day, applied to the weighed
weight and the condition found at the door. The reverse-invoice limit is data:
``reference/reverse_invoice_rules.csv`` (SAT announcement 2024 No. 5: at most 5 million
yuan excluding VAT per natural person over any 12 consecutive natural months, counted
here as natural months: a new invoice must fit every 12-month window that contains its
month). Pickup amounts are taken as VAT-exclusive (sellers under 100,000 yuan a month are
exempt). Concurrent invoices to one person are serialised on that person's row in
``recycling_invoice_sellers`` (see ``lock_seller``), so the limit holds under load.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers, pii
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import (
    Conflict,
    NotAChoice,
    NotFound,
    OutOfRange,
    PermissionDenied,
    Required,
    UnknownReference,
    UnrelatedReference,
)
from huanxin.core.money import yuan_text
from huanxin.db import is_postgres
from huanxin.recycling.errors import (
    CategoryNotPriced,
    PickupDateImpossible,
    ReverseInvoiceLimitExceeded,
)
from huanxin.recycling.models import (
    InvoiceSeller,
    Pickup,
    PickupLine,
    PlanRoute,
    PlanStop,
    ReverseInvoice,
    Site,
    Vehicle,
)
from huanxin.recycling.service import bookings, certificates, network
from huanxin.recycling.states import BOOKINGS, BookingState
from huanxin.recycling.vocab import CONDITIONS, PAYMENT_METHODS, category, price_of_line

RULES_FILE = Path(__file__).resolve().parents[1] / "reference" / "reverse_invoice_rules.csv"


@dataclass(frozen=True)
class LineIn:
    category: str
    condition: str
    units: int
    weight_g: int


@dataclass(frozen=True)
class InvoiceRule:
    rule_id: str
    effective_from: date
    limit_fen: int
    window_months: int
    basis: str
    source: str


def invoice_rules() -> list[InvoiceRule]:
    with RULES_FILE.open(encoding="utf-8") as fh:
        return [
            InvoiceRule(
                r["rule_id"],
                date.fromisoformat(r["effective_from"]),
                int(r["limit_fen"]),
                int(r["window_months"]),
                r["basis"],
                r["source"],
            )
            for r in csv.DictReader(fh)
        ]


def rule_on(day: date) -> InvoiceRule:
    rules = [r for r in invoice_rules() if r.effective_from <= day]
    if not rules:
        raise Conflict(f"{day.isoformat()}尚无反向开票规则", field="issued_on")
    return max(rules, key=lambda r: r.effective_from)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def window_start(day: date, months: int) -> date:
    """First day of the window of ``months`` consecutive natural months ending with ``day``'s."""
    return _month_start(_month_index(day) - (months - 1))


def _check_lines(lines: Sequence[LineIn]) -> None:
    if not lines:
        raise Required("请至少称重一件物品", field="lines")
    for i, line in enumerate(lines):
        cat = category(line.category, field=f"lines[{i}].category")
        allowed = {"any"} if cat.kind == "material" else set(CONDITIONS) - {"any"}
        if line.condition not in allowed:
            raise NotAChoice("成色取值不正确", field=f"lines[{i}].condition")
        if line.units < 1:
            raise OutOfRange("数量至少为1", field=f"lines[{i}].units")
        if line.weight_g <= 0:
            raise OutOfRange("称重重量必须大于0千克", field=f"lines[{i}].weight_kg")


def _delivery_site(session: Session, actor: Actor, booking_id: int, site_id: int | None) -> Site:
    if site_id is None:
        stmt = (
            select(Vehicle.home_site_id)
            .join(PlanRoute, PlanRoute.vehicle_id == Vehicle.id)
            .join(PlanStop, PlanStop.route_id == PlanRoute.id)
            .where(PlanStop.booking_id == booking_id)
        )
        site_id = session.scalars(stmt).first()
    if site_id is None:
        raise Required("请指定交货的中转站", field="site_id")
    try:
        site = network.get_site(session, actor, site_id)
    except NotFound:
        raise UnknownReference("交货站点不存在", field="site_id") from None
    if actor.org_id is not None and site.org_id != actor.org_id:
        raise UnrelatedReference("交货站点不属于本企业", field="site_id")
    return site


def completion_day(service_date: date, on: date | None, early_reason: str) -> date:
    """The day a pickup is completed: today unless given, never after today, and before the
    booked day only with the reason for the early pickup."""
    today = today_cn()
    day = on or today
    if day > today:
        raise PickupDateImpossible(
            f"完成日期{day.isoformat()}晚于今天（{today.isoformat()}），不能登记尚未发生的上门回收",
            field="completed_on",
        )
    if day < service_date and not early_reason.strip():
        raise PickupDateImpossible(
            f"该预约约定{service_date.isoformat()}上门，{day.isoformat()}早于"
            "约定日期：提前上门须填写提前原因",
            field="early_reason",
        )
    return day


def complete_pickup(
    session: Session,
    actor: Actor,
    *,
    booking_id: int,
    lines: Sequence[LineIn],
    payment_method: str,
    payment_ref: str = "",
    site_id: int | None = None,
    on: date | None = None,
    early_reason: str = "",
) -> tuple[Pickup, list[tuple[str, str]]]:
    """Record the weighing and payment; returns the pickup and (certificate number, code).
    A pickup before its booked day records why (``early_reason``, kept in the audit trail)."""
    if not actor.can("recycling:operate"):
        raise PermissionDenied("只有回收企业可以完成上门回收")
    booking = bookings.get_booking(session, actor, booking_id)
    BOOKINGS.check(booking.status, BookingState.COMPLETED, field="status")
    _check_lines(lines)
    if payment_method not in PAYMENT_METHODS:
        raise NotAChoice("付款方式不正确", field="payment_method")
    day = completion_day(booking.service_date, on, early_reason)
    site = _delivery_site(session, actor, booking.id, site_id)
    prices = network.prices_of(
        session, network.price_list_in_force(session, booking.jurisdiction_code, day).id
    )
    priced = []
    for i, line in enumerate(lines):
        cat = category(line.category)
        key = (line.category, line.condition if cat.kind == "appliance" else "any")
        if key not in prices:
            raise CategoryNotPriced("该品类在当前价目表中没有报价", field=f"lines[{i}].category")
        priced.append(
            price_of_line(
                cat=cat, unit_price_fen=prices[key], units=line.units, weight_g=line.weight_g
            )
        )
    pickup = Pickup(
        booking_id=booking.id,
        org_id=site.org_id,
        site_id=site.id,
        jurisdiction_code=booking.jurisdiction_code,
        completed_on=day,
        weight_g=sum(x.weight_g for x in lines),
        paid_fen=sum(priced),
        payment_method=payment_method,
        payment_ref=payment_ref.strip()[:64],
        created_at=utcnow(),
    )
    session.add(pickup)
    session.flush()
    issued = _lines_and_certificates(session, pickup, lines, priced)
    booking.status = BookingState.COMPLETED
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.pickup_completed",
        object_type="recycling_pickup",
        object_id=pickup.id,
        after={
            "booking_id": booking.id,
            "paid_fen": pickup.paid_fen,
            "weight_g": pickup.weight_g,
            "certificates": [n for n, _ in issued],
        },
        detail=_early(booking.service_date, day, early_reason),
        jurisdiction_code=booking.jurisdiction_code,
    )
    return pickup, issued


def _early(service_date: date, day: date, reason: str) -> dict[str, str]:
    """What the audit trail keeps of an early pickup: the booked day and the reason."""
    if day >= service_date:
        return {}
    return {"booked_for": service_date.isoformat(), "early_reason": reason.strip()[:200]}


def _lines_and_certificates(
    session: Session, pickup: Pickup, lines: Sequence[LineIn], priced: list[int]
) -> list[tuple[str, str]]:
    issued: list[tuple[str, str]] = []
    for line, fen in zip(lines, priced, strict=True):
        session.add(
            PickupLine(
                pickup_id=pickup.id,
                category=line.category,
                condition=line.condition,
                units=line.units,
                weight_g=line.weight_g,
                price_fen=fen,
            )
        )
        if category(line.category).kind != "appliance":
            continue
        each, rest = divmod(line.weight_g, line.units)
        for unit in range(line.units):
            cert, code = certificates.issue(
                session,
                pickup,
                category_code=line.category,
                weight_g=each + (rest if unit == 0 else 0),
                index=len(issued) + 1,
            )
            issued.append((cert.number, code))
    session.flush()
    return issued


def get_pickup(session: Session, actor: Actor, pickup_id: int) -> Pickup:
    pickup = session.get(Pickup, pickup_id)
    if pickup is not None:
        bookings.get_booking(session, actor, pickup.booking_id)  # scope and ownership
    if pickup is None:
        raise NotFound("回收记录不存在")
    return pickup


def lock_seller(session: Session, person: str) -> InvoiceSeller:
    """Create the seller's lock row if needed and lock it until the transaction ends.

    PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT … FOR UPDATE``, so a
    second invoice to the same person waits here and then sees the first one's rows.
    SQLite: the transaction began with ``BEGIN IMMEDIATE`` and already holds the write lock.
    """
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(
        insert(InvoiceSeller)
        .values(seller_id_hash=person, invoices=0, total_fen=0)
        .on_conflict_do_nothing(index_elements=["seller_id_hash"])
    )
    stmt = select(InvoiceSeller).where(InvoiceSeller.seller_id_hash == person)
    return session.scalars(stmt.with_for_update().execution_options(populate_existing=True)).one()


def worst_window_fen(session: Session, person: str, day: date, months: int) -> int:
    """The largest total already invoiced to ``person`` over any window of ``months``
    consecutive natural months that contains ``day``'s month (a back-dated invoice must
    fit every window it falls into, not only the one ending with it)."""
    here = _month_index(day)
    first, after = _month_start(here - months + 1), _month_start(here + months)
    rows = session.execute(
        select(ReverseInvoice.issued_on, ReverseInvoice.amount_fen).where(
            ReverseInvoice.seller_id_hash == person,
            ReverseInvoice.issued_on >= first,
            ReverseInvoice.issued_on < after,
        )
    ).all()
    by_month: dict[int, int] = {}
    for issued_on, fen in rows:
        by_month[_month_index(issued_on)] = by_month.get(_month_index(issued_on), 0) + int(fen)
    return max(
        sum(by_month.get(m, 0) for m in range(end - months + 1, end + 1))
        for end in range(here, here + months)
    )


def issue_reverse_invoice(
    session: Session,
    actor: Actor,
    *,
    pickup_id: int,
    seller_name: str,
    seller_resident_id: str,
    on: date | None = None,
) -> ReverseInvoice:
    """Invoice the natural-person seller, refused beyond the rule's per-person limit.

    The seller's lock row is taken before the limit is read, so concurrent invoices to one
    person are checked one after the other and the limit holds."""
    if not actor.can("recycling:operate"):
        raise PermissionDenied("只有回收企业可以反向开票")
    pickup = get_pickup(session, actor, pickup_id)
    if not seller_name.strip():
        raise Required("请填写出售人姓名", field="seller_name")
    rid = identifiers.resident_id(seller_resident_id, field="seller_resident_id")
    day = on or pickup.completed_on
    rule = rule_on(day)
    person = pii.lookup_hash("resident_id", rid)
    session.execute(select(Pickup.id).where(Pickup.id == pickup.id).with_for_update())
    seller = lock_seller(session, person)  # always pickup first, then seller: no deadlock
    if session.scalar(select(ReverseInvoice.id).where(ReverseInvoice.pickup_id == pickup.id)):
        raise Conflict("该次回收已开具反向发票", field="pickup_id")
    so_far = worst_window_fen(session, person, day, rule.window_months)
    if so_far + pickup.paid_fen > rule.limit_fen:
        raise ReverseInvoiceLimitExceeded(
            f"该出售人连续{rule.window_months}个自然月内反向开票金额已达{yuan_text(so_far)}元，"
            f"加上本次{yuan_text(pickup.paid_fen)}元将超过{yuan_text(rule.limit_fen)}元的上限"
            f"（{rule.rule_id}），不能再反向开票，请引导其办理经营主体登记",
            field="amount",
        )
    invoice = ReverseInvoice(
        number=f"FX{pickup.org_id:04d}{day:%Y%m%d}{pickup.id:08d}",
        pickup_id=pickup.id,
        org_id=pickup.org_id,
        seller_name_enc=pii.seal(seller_name.strip()),
        seller_id_enc=pii.seal(rid),
        seller_id_hash=person,
        amount_fen=pickup.paid_fen,
        issued_on=day,
        rule_id=rule.rule_id,
        created_at=utcnow(),
    )
    session.add(invoice)
    seller.invoices += 1
    seller.total_fen += pickup.paid_fen
    seller.last_issued_on = max(day, seller.last_issued_on or day)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.reverse_invoice_issued",
        object_type="recycling_invoice",
        object_id=invoice.id,
        after={
            "number": invoice.number,
            "amount_fen": invoice.amount_fen,
            "seller": identifiers.mask_resident_id(rid),
        },
        jurisdiction_code=pickup.jurisdiction_code,
    )
    return invoice
