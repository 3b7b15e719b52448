"""A small recycling world: 沁水县 with a service area, a transfer station, a sorting
centre, a dismantler, two vehicles and a price list; users of each role there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

import builders
from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.recycling.service import network

CENTRE = (35.690, 112.187)
PRICES = [
    ("refrigerator", "intact", 8000),
    ("refrigerator", "damaged", 5000),
    ("television", "intact", 3000),
    ("paper", "any", 110),
    ("metal", "any", 70),
]


EARLY = "居民今天在家，约定提前上门"  # the world books tomorrow and completes today


@dataclass(frozen=True)
class RWorld:
    db: Database
    transfer_id: int
    sorting_id: int
    dismantler_id: int
    org_id: int
    day: date

    def actor(self, username: str) -> Actor:
        with self.db.sessions() as session:
            u = session.query(User).filter_by(username=username).one()
            scope = jurisdictions.subtree_codes(session, u.jurisdiction_code)
            return Actor(
                u.id, u.username, u.display_name, u.role, u.jurisdiction_code, u.org_id, scope
            )

    def completed(self, key: str = "") -> dict[str, object]:
        """Book two refrigerators and paper, then complete the pickup (damaged, 101.5 kg +
        22.35 kg paper, paid 124.59 yuan); the booking plus the completion answer."""
        consumer = builders.api_client(self.db, "consumer.140521")
        items = [
            {"category": "refrigerator", "count": 2, "weight_kg": 120},
            {"category": "paper", "count": 1, "weight_kg": 25},
        ]
        booking = consumer.post(
            "/api/v1/recycling/bookings",
            json=self.body(self.day, items=items),
            headers={"Idempotency-Key": "b" + key},
        ).json()
        recycler = builders.api_client(self.db, "recycler.140521")
        lines = [
            {"category": "refrigerator", "condition": "damaged", "units": 2, "weight_kg": 101.5},
            {"category": "paper", "units": 1, "weight_kg": 22.35},
        ]
        done = recycler.post(
            f"/api/v1/recycling/bookings/{booking['id']}/complete",
            headers={"Idempotency-Key": "c" + key},
            json={
                "lines": lines,
                "payment_method": "wechat",
                "payment_ref": "WX1",
                "site_id": self.transfer_id,
                "early_reason": EARLY,
            },
        )
        assert done.status_code == 201, done.text
        return {"booking": booking, **done.json()}

    @staticmethod
    def body(day: date, **over: object) -> dict[str, object]:
        body: dict[str, object] = {
            "address": "沁水县龙港镇演示小区1号楼",
            "lat": 35.70,
            "lon": 112.20,
            "service_date": day.isoformat(),
            "window_start": "09:00",
            "window_end": "11:00",
            "items": [
                {"category": "refrigerator", "count": 1, "weight_kg": 60},
                {"category": "paper", "count": 1, "weight_kg": 25},
            ],
        }
        body.update(over)
        return body


def _site(session: object, org_id: int, tier: str, name: str, dlat: float) -> int:
    new = network.NewSite(
        org_id=org_id,
        jurisdiction_code="140521",
        tier=tier,
        name=name,
        lat=CENTRE[0] + dlat,
        lon=CENTRE[1],
        opens_s=7 * 3600,
        closes_s=19 * 3600,
        capacity_kg_day=50_000,
        licence_no="BF-001" if tier == "dismantler" else "",
    )
    return network.create_site(session, SYSTEM, new).id  # type: ignore[arg-type]


@pytest.fixture
def rworld(database: Database) -> RWorld:
    builders.world(
        database,
        ("consumer", "140521"),
        ("recycler", "140521"),
        ("office", "140521"),
        ("consumer", "371525"),
    )
    with database.unit_of_work() as session:
        org_id = session.query(User).filter_by(username="recycler.140521").one().org_id
        assert org_id is not None
        network.set_service_area(
            session,
            SYSTEM,
            jurisdiction_code="140521",
            center_lat=CENTRE[0],
            center_lon=CENTRE[1],
            radius_m=30_000,
        )
        transfer = _site(session, org_id, "transfer", "沁水县中转站", 0.0)
        sorting = _site(session, org_id, "sorting", "沁水县分拣中心", 0.03)
        dismantler = _site(session, org_id, "dismantler", "沁水县拆解企业", -0.03)
        for n, kg in enumerate((1500, 800), start=1):
            network.create_vehicle(
                session,
                SYSTEM,
                home_site_id=transfer,
                plate=f"晋EHX00{n}",
                capacity_kg=kg,
                capacity_m3=8.0,
                shift_start_s=8 * 3600,
                shift_end_s=17 * 3600,
            )
        network.create_price_list(
            session,
            SYSTEM,
            jurisdiction_code="140521",
            effective_from=date(2025, 1, 1),
            prices=PRICES,
        )
    return RWorld(database, transfer, sorting, dismantler, org_id, today_cn() + timedelta(days=1))
