"""Home-page figures of the recycling domain, read from the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.recycling.catalogue import kg_text
from huanxin.recycling.models import Booking, Pickup
from huanxin.web.ui import Figure

OPEN = ("booked", "planned", "unserved")


def figures(session: Session, actor: Actor) -> list[Figure]:
    if actor.role == "consumer":
        mine = select(func.count()).where(
            Booking.consumer_user_id == actor.user_id, Booking.status.in_(OPEN)
        )
        return [Figure("待上门回收预约", str(session.scalar(mine) or 0), "/recycling/book")]
    if not actor.can("recycling:read"):
        return []
    today = today_cn()
    waiting = select(func.count()).where(
        Booking.jurisdiction_code.in_(actor.scope_codes),
        Booking.status.in_(OPEN),
        Booking.service_date >= today,
    )
    month = select(func.coalesce(func.sum(Pickup.weight_g), 0)).where(
        Pickup.jurisdiction_code.in_(actor.scope_codes), Pickup.completed_on >= today.replace(day=1)
    )
    return [
        Figure("待上门回收预约", str(session.scalar(waiting) or 0), "/recycling/dispatch"),
        Figure(
            "本月上门回收（千克）", kg_text(int(session.scalar(month) or 0)), "/recycling/reports"
        ),
    ]
