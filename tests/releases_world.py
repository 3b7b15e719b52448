"""Builders for timed-release tests: consumers with resident IDs, a schedule defined by the
office, claims at a given moment (China time)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import builders
from huanxin.claims import sales_world
from huanxin.claims.errors import QuotaLimitReached, QuotaSoldOut, ReleaseNotOpen
from huanxin.claims.models import Quota
from huanxin.claims.service import quotas, release_plans
from huanxin.core import auth
from huanxin.core.actor import Actor
from huanxin.core.clock import CHINA_TZ
from huanxin.core.models import User
from huanxin.db import Database

DAY1 = date(2026, 12, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ)


def consumers(db: Database, count: int) -> list[int]:
    with db.unit_of_work() as session:
        return [
            builders.create_user(
                session,
                "consumer",
                "140521",
                username=f"burst.c{n}",
                resident_id=sales_world.resident_id(n, "140521"),
            ).id
            for n in range(count)
        ]


def actor(session: object, user_id: int) -> Actor:
    user = session.get(User, user_id)  # type: ignore[attr-defined]
    return auth.actor_for(session, user, via="token")  # type: ignore[arg-type]


def plan(pool_id: int, **overrides: object) -> release_plans.PlanInput:
    fields: dict[str, object] = {
        "programme_id": "cn.appliance",
        "category": "refrigerator",
        "jurisdiction_code": "140521",
        "pool_id": pool_id,
        "first_day": DAY1,
        "last_day": DAY1 + timedelta(days=9),
        "release_time": "07:00",
        "per_release": 3,
        "day_cap": 1,
        "month_cap": 2,
    }
    fields.update(overrides)
    return release_plans.PlanInput(**fields)  # type: ignore[arg-type]


def define(db: Database, schedule: release_plans.PlanInput) -> int:
    with db.unit_of_work() as session:
        office = session.scalars(select(User).where(User.username == "office.140521")).one()
        return release_plans.define(
            session, auth.actor_for(session, office, via="token"), schedule
        ).id


def claim_in(session: Session, user_id: int, now: datetime) -> Quota:
    return quotas.claim_quota(
        session, actor(session, user_id), category="refrigerator", on_date=now.date(), now=now
    )


def claim(db: Database, user_id: int, now: datetime) -> Quota | Exception:
    try:
        with db.unit_of_work() as session:
            return claim_in(session, user_id, now)
    except (QuotaSoldOut, QuotaLimitReached, ReleaseNotOpen) as refused:
        return refused
