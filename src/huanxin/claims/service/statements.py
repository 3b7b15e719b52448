"""Merchant statements (商户对账单) for a closed month: sales, subsidies, paid, clawed back,
balance, with the lines behind each figure, as .xlsx and PDF.

Finance closes a month for its jurisdiction once the month has ended (``close_month``);
a statement for a month not closed where the merchant is registered (or above) is refused,
so a statement once issued does not change. Figures are dated by their events: a sale by the
day it was keyed in, a reversal (a sale cancelled or returned before payment) by that day, a
payment by the bank's confirmation, a clawback by the return after payment. So

    closing = opening + subsidies − reversed − paid − clawed back

and a month's figures never move once it is over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.claims import states
from huanxin.claims.errors import PeriodNotEnded, StatementPeriodOpen
from huanxin.claims.models import Claim, ClaimEvent, Clawback, ClosedPeriod, PaymentItem
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import CHINA_TZ, today_cn, utcnow
from huanxin.core.errors import InvalidInput, NotFound
from huanxin.core.models import Organization
from huanxin.policy import service as policies


def parse_month(text: str) -> tuple[date, date]:
    """The first and the last day of ``YYYY-MM``.

    >>> parse_month("2026-02")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    """
    try:
        first = date.fromisoformat(text.strip() + "-01")
    except ValueError:
        raise InvalidInput("月份格式应为YYYY-MM", field="month") from None
    if not 2020 <= first.year <= 2100:
        raise InvalidInput("月份应在2020年至2100年之间", field="month")
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def close_month(session: Session, actor: Actor, *, month: str) -> ClosedPeriod:
    """Close ``month`` for the actor's jurisdiction (closing it again changes nothing)."""
    _, last = parse_month(month)
    if last >= today_cn():
        raise PeriodNotEnded(f"{month}尚未结束，月末之后才能结账", field="month")
    existing = session.scalars(
        select(ClosedPeriod).where(
            ClosedPeriod.jurisdiction_code == actor.jurisdiction_code, ClosedPeriod.month == month
        )
    ).first()
    if existing is not None:
        return existing
    row = ClosedPeriod(
        jurisdiction_code=actor.jurisdiction_code,
        month=month,
        closed_by=actor.user_id,
        closed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "statement.month_closed",
        object_type="closed_period",
        object_id=row.id,
        after={"month": month},
        jurisdiction_code=actor.jurisdiction_code,
    )
    return row


def closed_months(session: Session, actor: Actor) -> list[ClosedPeriod]:
    path = policies.path_of(session, actor.jurisdiction_code)
    return list(
        session.scalars(
            select(ClosedPeriod)
            .where(ClosedPeriod.jurisdiction_code.in_(path + sorted(actor.scope_codes)))
            .order_by(ClosedPeriod.month.desc())
            .limit(36)
        )
    )


def is_closed(session: Session, code: str, month: str) -> bool:
    path = policies.path_of(session, code)
    stmt = select(func.count()).where(
        ClosedPeriod.jurisdiction_code.in_(path), ClosedPeriod.month == month
    )
    return bool(session.scalar(stmt))


class SaleLine(NamedTuple):
    claim_id: int
    day: str
    category: str
    model: str
    price_fen: int
    subsidy_fen: int
    state: str


class PaymentLine(NamedTuple):
    batch_id: int
    item_id: int
    day: str
    amount_fen: int
    bank_ref: str


class ClawbackLine(NamedTuple):
    claim_id: int
    day: str
    amount_fen: int


@dataclass
class Figures:
    """A merchant's figures over a span of time, with the lines behind them."""

    sales_count: int = 0
    sales_fen: int = 0
    subsidies_fen: int = 0
    reversed_fen: int = 0
    paid_fen: int = 0
    clawed_back_fen: int = 0
    sales: list[SaleLine] = field(default_factory=list)
    payments: list[PaymentLine] = field(default_factory=list)
    clawbacks: list[ClawbackLine] = field(default_factory=list)

    @property
    def net_fen(self) -> int:
        """What the span adds to the balance owed to the merchant."""
        return self.subsidies_fen - self.reversed_fen - self.paid_fen - self.clawed_back_fen


@dataclass(frozen=True)
class Statement:
    merchant: Organization
    month: str
    first: date
    last: date
    opening_fen: int
    figures: Figures

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.figures.net_fen


def merchant_of(session: Session, actor: Actor, merchant_id: int | None) -> Organization:
    """A merchant its own; finance and the office any merchant registered in their scope."""
    org_id = actor.org_id if actor.role == "merchant" else merchant_id
    org = session.get(Organization, org_id) if org_id else None
    if org is not None and actor.role != "merchant" and not actor.sees(org.jurisdiction_code):
        org = None
    if org is None or org.kind != "merchant":
        raise NotFound("商户不存在", field="merchant_id")
    return org


def statement(
    session: Session, actor: Actor, *, month: str, merchant_id: int | None = None
) -> Statement:
    first, last = parse_month(month)
    merchant = merchant_of(session, actor, merchant_id)
    if not is_closed(session, merchant.jurisdiction_code, month):
        raise StatementPeriodOpen(
            f"{month}尚未结账，暂不能出具对账单；请待财政部门结账后再下载", field="month"
        )
    opening = _figures(session, merchant.id, EPOCH, _utc(first))
    figures = _figures(session, merchant.id, _utc(first), _utc(last + timedelta(days=1)))
    return Statement(merchant, month, first, last, opening.net_fen, figures)


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _utc(day: date) -> datetime:
    """Midnight in China of ``day``, as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ).astimezone(UTC)


def _local(value: datetime) -> date:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TZ).date()


def _figures(session: Session, org_id: int, start: datetime, end: datetime) -> Figures:
    """The merchant's figures for the instants [start, end)."""
    payee = f"org:{org_id}"
    out = Figures()
    for claim in session.scalars(
        select(Claim)
        .where(Claim.merchant_org_id == org_id, Claim.created_at >= start, Claim.created_at < end)
        .order_by(Claim.id)
    ):
        out.sales_count += 1
        out.sales_fen += claim.price_fen
        out.subsidies_fen += claim.subsidy_fen
        out.sales.append(
            SaleLine(
                claim.id,
                _local(claim.created_at).isoformat(),
                claim.category,
                claim.product_model,
                claim.price_fen,
                claim.subsidy_fen,
                states.LABELS[claim.state],
            )
        )
    out.reversed_fen = _reversed(session, org_id, start, end)
    _payments(session, payee, start, end, out)
    for clawback in session.scalars(
        select(Clawback)
        .where(Clawback.payee == payee, Clawback.created_at >= start, Clawback.created_at < end)
        .order_by(Clawback.id)
    ):
        out.clawed_back_fen += clawback.amount_fen
        out.clawbacks.append(
            ClawbackLine(
                clawback.claim_id, _local(clawback.created_at).isoformat(), clawback.amount_fen
            )
        )
    return out


def _reversed(session: Session, org_id: int, start: datetime, end: datetime) -> int:
    """Subsidies of sales cancelled, or returned before payment, within [start, end)."""
    clawed = select(Clawback.claim_id)
    stmt = (
        select(func.coalesce(func.sum(Claim.subsidy_fen), 0))
        .join(ClaimEvent, ClaimEvent.claim_id == Claim.id)
        .where(
            Claim.merchant_org_id == org_id,
            ClaimEvent.to_state.in_(("cancelled", "returned")),
            ClaimEvent.at >= start,
            ClaimEvent.at < end,
            Claim.id.not_in(clawed),
        )
    )
    return int(session.scalar(stmt) or 0)


def _payments(session: Session, payee: str, start: datetime, end: datetime, out: Figures) -> None:
    """Payments the bank confirmed within [start, end): the first 'paid' event of the claims
    each payment covers dates it."""
    paid_at = (
        select(func.min(ClaimEvent.at))
        .join(Claim, Claim.id == ClaimEvent.claim_id)
        .where(
            ClaimEvent.to_state == "paid",
            Claim.batch_id == PaymentItem.batch_id,
            Claim.payee == PaymentItem.payee,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(PaymentItem, paid_at.label("paid_at"))
        .where(PaymentItem.payee == payee, PaymentItem.state == "paid")
        .order_by(PaymentItem.id)
    ).all()
    for item, at in rows:
        if at is None or not (start <= _aware(at) < end):
            continue
        out.paid_fen += item.amount_fen
        out.payments.append(
            PaymentLine(
                item.batch_id, item.id, _local(at).isoformat(), item.amount_fen, item.bank_ref
            )
        )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
