"""Demo timed releases: in each demo county with a smart-home programme in force today, smart
door-lock coupons released first come at 07:00 (20 a day, until midnight, 1 a day and 4 a
month per person) and robot-vacuum coupons by lottery at 10:00 (10 a day, entries for two
hours), for the next 30 days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from huanxin.claims.service import release_plans
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.core.errors import DomainError
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import select_version

SMART_HOME = {"140000": "sx.smart_home", "370000": "sd.smart_home"}


def build(session: Session, office: Actor, code: str) -> None:
    path = policies.path_of(session, code)
    programme_id = next((SMART_HOME[p] for p in path if p in SMART_HOME), None)
    versions = [p for p in policies.all_versions(session) if p.id == programme_id]
    programme = select_version(versions, today_cn()) if versions else None
    pool = (
        ledger.programme_pool(session, programme_id=programme_id, jurisdiction_code=code)
        if programme_id
        else None
    )
    if programme is None or pool is None:
        return
    first = today_cn()
    last = min(first + timedelta(days=29), programme.effective.end or first)
    plans = [
        ("smart_door_lock", "07:00", 20, "first_come", None),
        ("robot_vacuum", "10:00", 10, "lottery", 120),
    ]
    for category, at, count, mode, entry in plans:
        plan = release_plans.PlanInput(
            programme_id=programme.id,
            category=category,
            jurisdiction_code=code,
            pool_id=pool.id,
            first_day=first,
            last_day=last,
            release_time=at,
            per_release=count,
            mode=mode,
            entry_minutes=entry,
        )
        try:
            with session.begin_nested():
                release_plans.define(session, office, plan)
        except DomainError:
            continue  # e.g. the demo runs again: the schedule exists already
