"""Home-page items of the recycling domain, read from the database: a resident's bookings
waiting for a visit, a recycler's pickups today (to do and done), and for the office the
bookings waiting and this month's weight collected."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.recycling.models import Booking, Pickup
from huanxin.recycling.vocab import kg_text
from huanxin.web.ui import Figure, HomeItem, count_figure

OPEN = ("booked", "planned", "unserved")


def _count(session: Session, stmt: object) -> int:
    return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]


def _consumer(session: Session, actor: Actor) -> list[HomeItem]:
    mine = select(func.count()).where(
        Booking.consumer_user_id == actor.user_id, Booking.status.in_(OPEN)
    )
    return [count_figure("待上门回收预约", _count(session, mine), "/recycling/book", todo=True)]


def _today(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    """Today's pickups in the recycler's scope: still to visit, and done by its own crews."""
    waiting = select(func.count()).where(
        Booking.jurisdiction_code.in_(actor.scope_codes),
        Booking.status.in_(OPEN),
        Booking.service_date == today,
    )
    done = select(func.count(), func.coalesce(func.sum(Pickup.weight_g), 0)).where(
        Pickup.org_id == actor.org_id, Pickup.completed_on == today
    )
    n, grams = session.execute(done).one()
    href = f"/recycling/dispatch?service_date={today.isoformat()}"
    return [
        count_figure("今日待上门", _count(session, waiting), href, unit="单", todo=True),
        count_figure(
            "今日已完成",
            int(n),
            "/recycling/weighings",
            unit="单",
            note=f"共 {kg_text(int(grams))} 千克",
        ),
    ]


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    if actor.role == "consumer":
        return _consumer(session, actor)
    if not actor.can("recycling:read"):
        return []
    today = today_cn()
    if actor.role == "recycler":
        return _today(session, actor, today)
    waiting = select(func.count()).where(
        Booking.jurisdiction_code.in_(actor.scope_codes),
        Booking.status.in_(OPEN),
        Booking.service_date >= today,
    )
    month = select(func.coalesce(func.sum(Pickup.weight_g), 0)).where(
        Pickup.jurisdiction_code.in_(actor.scope_codes), Pickup.completed_on >= today.replace(day=1)
    )
    return [
        count_figure(
            "待上门回收预约",
            _count(session, waiting),
            "/recycling/dispatch",
            todo=actor.can("recycling:manage"),
        ),
        Figure("本月上门回收", kg_text(_count(session, month)), "/recycling/reports", unit="千克"),
    ]
