"""Deterministic recycling demo for 沁水县 (140521), 阳泉市 (140300) and 冠县 (371525):
service areas, sites of every tier, vehicles, two price-list versions, 102 bookings on
``DEMO_DAY``, the day's plan, four bookings planned for the day the demo is built (a driver's
route of today in 沁水县), completed pickups with certificates and reverse invoices,
onward weighings (end-of-life vehicles included) and 2023 baselines.

Coordinates are approximate town centres; prices follow the indicative figures of
national-rules.md §5.3; baselines are demo figures, not statistics. Running it twice
changes nothing.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import identifiers, jurisdictions, orgs
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, today_cn
from huanxin.core.models import User
from huanxin.demo import ORG_NAMES, PLACES
from huanxin.recycling.models import Site
from huanxin.recycling.service import (
    addresses,
    bookings,
    completion,
    dispatching,
    flows,
    network,
)

DEMO_DAY = date(2026, 3, 16)
BOOKED_AT = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)

# code: (name, centre lat, centre lon, service radius m)
AREAS = {
    "140521": ("沁水县", 35.690, 112.187, 30_000),
    "140300": ("阳泉市", 37.857, 113.580, 25_000),
    "371525": ("冠县", 36.484, 115.442, 20_000),
}
AREA_SOURCE = "演示数据：以县（市）政府驻地为中心的服务半径"

PRICES_2025 = [
    ("refrigerator", "intact", 8000),
    ("refrigerator", "damaged", 5000),
    ("refrigerator", "parts", 3000),
    ("washing_machine", "intact", 5000),
    ("washing_machine", "damaged", 3000),
    ("washing_machine", "parts", 2000),
    ("television", "intact", 3000),
    ("television", "damaged", 1500),
    ("television", "parts", 1000),
    ("air_conditioner", "intact", 10000),
    ("air_conditioner", "damaged", 7000),
    ("air_conditioner", "parts", 4000),
    ("water_heater", "intact", 2000),
    ("water_heater", "damaged", 1000),
    ("water_heater", "parts", 500),
    ("computer", "intact", 3000),
    ("computer", "damaged", 1500),
    ("computer", "parts", 800),
    ("mobile_phone", "intact", 2000),
    ("mobile_phone", "damaged", 800),
    ("mobile_phone", "parts", 300),
    ("paper", "any", 110),
    ("plastic", "any", 80),
    ("metal", "any", 70),
    ("clothes", "any", 50),
]
PRICES_2026 = [(c, k, f + 500 if c == "refrigerator" else f) for c, k, f in PRICES_2025]

# Address books: townships (乡镇/街道) of each county with their villages or communities;
# coordinates are generated around the county seat, plausible but not surveyed.
TOWNSHIPS = {
    "140521": [
        ("龙港镇", ["杏园社区", "梅河社区", "东关村"]),
        ("嘉峰镇", ["嘉峰村", "李庄村", "潘庄村"]),
        ("郑村镇", ["郑村", "湘峪村", "半峪村"]),
        ("端氏镇", ["端氏村", "坪上村", "贾寨村"]),
    ],
    "140300": [
        ("义井街道", ["义井社区", "小河社区", "大西庄社区"]),
        ("南山路街道", ["南山社区", "东城社区", "桃北社区"]),
        ("北大街街道", ["北大街社区", "新华社区", "赛鱼社区"]),
        ("上站街道", ["上站社区", "矿务局社区", "桃南社区"]),
    ],
    "371525": [
        ("清泉街道", ["东关社区", "西关社区", "红旗社区"]),
        ("崇文街道", ["崇文社区", "文化社区", "振兴社区"]),
        ("烟庄街道", ["烟庄村", "后屯村", "前屯村"]),
        ("贾镇", ["贾镇村", "桑阿村", "梁堂村"]),
    ],
}

ITEM_MIX = [
    ("refrigerator", 1, 60.0),
    ("washing_machine", 1, 40.0),
    ("television", 1, 15.0),
    ("air_conditioner", 1, 35.0),
    ("paper", 1, 25.0),
    ("metal", 1, 12.0),
    ("plastic", 1, 8.0),
    ("computer", 2, 16.0),
]


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Actor(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.jurisdiction_code,
        user.org_id,
        jurisdictions.subtree_codes(session, user.jurisdiction_code),
    )


def _network(session: Session, code: str, org_id: int) -> list[Site]:
    name, lat, lon, radius = AREAS[code]
    network.set_service_area(
        session,
        SYSTEM,
        jurisdiction_code=code,
        center_lat=lat,
        center_lon=lon,
        radius_m=radius,
        source=AREA_SOURCE,
    )
    specs = [
        ("transfer", "中转站", 0.0, 0.0, 20_000, ""),
        ("dropoff", "城关交投点", 0.01, 0.012, 2_000, ""),
        ("dropoff", "社区交投点", -0.012, -0.01, 2_000, ""),
        ("sorting", "绿色分拣中心", 0.03, -0.04, 80_000, f"再生资源备案{code}-01"),
        (
            "dismantler",
            "报废机动车回收拆解有限公司",
            -0.04,
            0.05,
            200_000,
            f"报废机动车回收拆解企业资质认定证书 {code}-BF-001",
        ),
    ]
    sites = []
    for tier, suffix, dlat, dlon, cap, licence in specs:
        new = network.NewSite(
            org_id=org_id,
            jurisdiction_code=code,
            tier=tier,
            name=f"{name}{suffix}",
            lat=lat + dlat,
            lon=lon + dlon,
            opens_s=7 * 3600,
            closes_s=19 * 3600,
            capacity_kg_day=cap,
            licence_no=licence,
            address=f"{name}{suffix}",
        )
        sites.append(network.create_site(session, SYSTEM, new))
    plates = {"140521": "晋E", "140300": "晋C", "371525": "鲁P"}[code]
    for n, (kg, m3) in enumerate([(1500, 8.0), (1500, 8.0), (800, 4.0)], start=1):
        network.create_vehicle(
            session,
            SYSTEM,
            home_site_id=sites[0].id,
            plate=f"{plates}HX{n:03d}",
            capacity_kg=kg,
            capacity_m3=m3,
            shift_start_s=8 * 3600,
            shift_end_s=17 * 3600,
        )
    for day, prices in ((date(2025, 1, 1), PRICES_2025), (date(2026, 1, 1), PRICES_2026)):
        network.create_price_list(
            session,
            SYSTEM,
            jurisdiction_code=code,
            effective_from=day,
            prices=prices,
            note="演示价目表（参考国家回收规则整理稿第5.3节）",
        )
    return sites


def _bookings(session: Session, code: str, count: int, rng: random.Random) -> None:
    consumer = _actor(session, f"consumer.{code}")
    name, lat, lon, radius = AREAS[code]
    for n in range(count):
        cat, units, kg = ITEM_MIX[rng.randrange(len(ITEM_MIX))]
        start = (8 + 2 * rng.randrange(4)) * 3600
        reach = radius * 0.5 / 111_000
        item = bookings.ItemIn(
            cat,
            units,
            int(kg * 1000),
            "intact" if cat not in ("paper", "metal", "plastic") else "any",
        )
        new = bookings.BookingIn(
            f"{name}演示小区{n + 1}号楼",
            round(lat + rng.uniform(-reach, reach), 5),
            round(lon + rng.uniform(-reach, reach), 5),
            DEMO_DAY,
            start,
            start + 2 * 3600,
            [item],
        )
        bookings.create_booking(session, consumer, new, now=BOOKED_AT)


TODAY_AREA = "140521"
TODAY_STOPS = 4


def _today(session: Session, code: str) -> None:
    """A few bookings on the day the demo is built, booked that morning and planned, so a
    driver who logs in finds today's route (the demo's other bookings are on DEMO_DAY)."""
    day = today_cn()
    morning = datetime.combine(day, time(6, 0), tzinfo=CHINA_TZ)
    consumer = _actor(session, f"consumer.{code}")
    for n, entry in enumerate(address_book(code)[:TODAY_STOPS]):
        start = (9 + 2 * n) * 3600
        new = bookings.BookingIn(
            f"{entry.township}{entry.village}{entry.place.split('1-')[0]}{n + 2}号楼",
            entry.lat,
            entry.lon,
            day,
            start,
            start + 2 * 3600,
            [bookings.ItemIn("television", 1, 15_000)],
            phone="13800138000",
        )
        bookings.create_booking(session, consumer, new, now=morning)
    office = _actor(session, f"office.{code}")
    dispatching.plan_for_day(
        session, office, jurisdiction_code=code, day=day, seconds=2.0, iterations=200
    )


def _complete(session: Session, code: str, rng: random.Random) -> None:
    recycler = _actor(session, f"recycler.{code}")
    done = bookings.list_bookings(session, recycler, day=DEMO_DAY, status="planned")[-6:]
    for n, booking in enumerate(reversed(done)):
        lines = [
            completion.LineIn(
                i.category, i.condition, i.count, int(i.est_weight_g * rng.uniform(0.9, 1.1))
            )
            for i in bookings.items_of(session, booking.id)
        ]
        pickup, _ = completion.complete_pickup(
            session,
            recycler,
            booking_id=booking.id,
            lines=lines,
            payment_method="wechat",
            payment_ref=f"WX{booking.id:08d}",
            on=DEMO_DAY,
        )
        if n < 2:
            body = f"{code}19800101{n:02d}1"[:17]
            rid = body + identifiers.resident_id_check_char(body)
            completion.issue_reverse_invoice(
                session,
                recycler,
                pickup_id=pickup.id,
                seller_name=f"演示出售人{n + 1}",
                seller_resident_id=rid,
            )


def _flows(session: Session, code: str, sites: list[Site]) -> None:
    recycler = _actor(session, f"recycler.{code}")
    transfer, _, _, sorting, dismantler = sites
    moves = [
        (transfer, "out", "appliances", 6, 210_000, sorting),
        (sorting, "in", "appliances", 6, 208_000, transfer),
        (sorting, "out", "material", 0, 150_000, None),
    ]
    for site, direction, kind, units, grams, other in moves:
        flows.record_weighing(
            session,
            recycler,
            flows.WeighingIn(
                site.id,
                direction,
                DEMO_DAY,
                kind,
                "mixed",
                units,
                grams,
                other.id if other else None,
                "演示车",
            ),
        )
    for n in range(2):
        body = f"LFV2A21K0S{code[-2:]}{n:05d}"
        vin = body[:8] + identifiers.vin_check_char(body) + body[9:]
        flows.record_weighing(
            session,
            recycler,
            flows.WeighingIn(
                dismantler.id,
                "in",
                DEMO_DAY,
                "elv",
                "passenger_car",
                1,
                1_150_000 + n * 50_000,
                None,
                "",
                vin,
                f"BF{code}{DEMO_DAY:%Y%m%d}{n + 1:03d}",
            ),
        )


def address_book(code: str) -> list[addresses.EntryIn]:
    """The demo address book of a county: per village an estate and a house-number range."""
    _name, lat, lon, radius = AREAS[code]
    reach = radius * 0.4 / 111_000
    entries = []
    for t, (town, villages) in enumerate(TOWNSHIPS[code]):
        for v, village in enumerate(villages):
            angle = math.radians(90 * t + 25 * v + 10)
            step = reach * (0.35 + 0.2 * v)
            base_lat, base_lon = lat + step * math.sin(angle), lon + step * math.cos(angle)
            short = village.removesuffix("社区").removesuffix("村")
            short = short if len(short) >= 2 else village
            for p, place in enumerate((f"{short}小区1-12号楼", f"{short}街1-80号")):
                entries.append(
                    addresses.EntryIn(
                        town,
                        village,
                        place,
                        round(base_lat + 0.002 * p, 5),
                        round(base_lon + 0.002 * p, 5),
                    )
                )
    return entries


def build_demo(session: Session) -> None:
    """Create the recycling demo (assumes ``huanxin.demo.build`` made places and users)."""
    for code in AREAS:
        if network.area_for(session, code) is not None:
            addresses.add_entries(session, code, address_book(code))
    if session.scalar(select(Site.id).where(Site.name == "沁水县中转站")):
        return
    rng = random.Random(20260316)
    for code, count in (("140521", 34), ("140300", 34), ("371525", 34)):
        org = orgs.ensure(
            session,
            SYSTEM,
            kind="recycler",
            jurisdiction_code=code,
            name=ORG_NAMES["recycler"].format(place=_place_name(code)),
        )
        sites = _network(session, code, org.id)
        addresses.add_entries(session, code, address_book(code))
        _bookings(session, code, count, rng)
        office = _actor(session, f"office.{code}")
        dispatching.plan_for_day(
            session, office, jurisdiction_code=code, day=DEMO_DAY, seconds=5.0, iterations=400
        )
        _complete(session, code, rng)
        if code == TODAY_AREA:
            _today(session, code)
        _flows(session, code, sites)
        for kind, units, kg in (("appliances", 2400, 96_000), ("elv", 300, 330_000)):
            flows.set_baseline(
                session,
                SYSTEM,
                jurisdiction_code=code,
                kind=kind,
                units=units,
                weight_kg=kg,
                source="演示数据，非官方统计",
            )
    session.flush()


def _place_name(code: str) -> str:
    return next(name for c, name, _level, _parent in PLACES if c == code)
