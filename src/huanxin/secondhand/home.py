"""Home-page figures of the secondhand domain, read from the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.secondhand.models import Dealer, Listing, Transaction, WarehouseItem
from huanxin.secondhand.service.dealers import used_car_indicator
from huanxin.secondhand.vocab import LISTING_OPEN
from huanxin.web.ui import Figure


def _count(session: Session, stmt: object) -> int:
    return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]


def _office(session: Session, actor: Actor) -> list[Figure]:
    scope = actor.scope_codes
    dealers = _count(
        session,
        select(func.count())
        .select_from(Dealer)
        .where(Dealer.jurisdiction_code.in_(scope), Dealer.status == "active"),
    )
    cars = used_car_indicator(session, jurisdiction_codes=scope, year=today_cn().year)
    waiting = _count(
        session,
        select(func.count())
        .select_from(WarehouseItem)
        .where(
            WarehouseItem.jurisdiction_code.in_(scope),
            WarehouseItem.state.in_(["declared", "claimed", "approved"]),
        ),
    )
    return [
        Figure("在册二手经营者", str(dealers), "/secondhand"),
        Figure("本年二手车交易", str(cars.count), "/secondhand"),
        Figure("公务仓待办", str(waiting), "/secondhand/warehouse/admin"),
    ]


def _dealer(session: Session, actor: Actor) -> list[Figure]:
    dealer = session.scalars(select(Dealer).where(Dealer.org_id == actor.org_id)).first()
    if dealer is None:
        return []
    year_start = today_cn().replace(month=1, day=1)
    n = _count(
        session,
        select(func.count())
        .select_from(Transaction)
        .where(Transaction.dealer_id == dealer.id, Transaction.traded_on >= year_start),
    )
    return [Figure("本年登记二手交易", str(n), "/secondhand/desk")]


def _trader(session: Session, actor: Actor) -> list[Figure]:
    n = _count(
        session,
        select(func.count())
        .select_from(Listing)
        .where(Listing.seller_org_id == actor.org_id, Listing.state.in_(LISTING_OPEN)),
    )
    return [Figure("在途旧设备挂牌", str(n), "/secondhand/trade")]


def figures(session: Session, actor: Actor) -> list[Figure]:
    if actor.can("secondhand:read"):
        return _office(session, actor)
    if actor.can("secondhand:deal"):
        return _dealer(session, actor)
    if actor.can("secondhand:trade"):
        return _trader(session, actor)
    return []
