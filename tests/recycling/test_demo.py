"""The recycling demo is deterministic and idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from huanxin import demo
from huanxin.db import Database
from huanxin.recycling.demo import build_demo
from huanxin.recycling.models import Booking, Certificate, Plan, PlanUnserved, Site, Vehicle


@pytest.mark.slow
def test_demo_builds_once(sqlite_db: Database) -> None:
    with sqlite_db.unit_of_work() as s:
        demo.build(s)
    for _ in range(2):
        with sqlite_db.unit_of_work() as s:
            build_demo(s)
    with sqlite_db.sessions() as s:
        count = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Site, Vehicle, Booking, Plan, PlanUnserved)
        }
        states = dict(
            s.execute(select(Booking.status, func.count()).group_by(Booking.status)).all()
        )
        certs = s.scalar(select(func.count()).select_from(Certificate)) or 0
    # 102 bookings on the demo day plus 4 planned for today in 沁水县 (a driver's route today)
    assert count == {"Site": 15, "Vehicle": 9, "Booking": 106, "Plan": 4, "PlanUnserved": 0}
    assert states == {"completed": 18, "planned": 88}
    assert certs > 0
