"""Deterministic, idempotent secondhand demo for the demo places (沁水县 140521, 冠县 371525,
阳泉市 140300): a dealer (the demo merchant), a platform and a third-party valuer with their
accounts (``platform.<code>``, ``valuer.<code>``), a public institution
with its account, transactions (phones; used cars in 2023 and this year), wipe certificates with
fixed verification codes, a used-equipment listing (naming the first row of the enterprise's
equipment ledger when the equipment demo is loaded) and 公务仓 items. Counts are demo data, not
official statistics; the growth targets are those of each plan."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin import demo as core_demo
from huanxin.core import auth, identifiers, orgs, users
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, today_cn
from huanxin.core.models import User
from huanxin.secondhand.models import Dealer, WipeCertificate
from huanxin.secondhand.service import dealers, trading, warehouse, wipes

PLACES = {
    "140521": ("沁水县", 4500, 120),
    "371525": ("冠县", 5000, 150),
    "140300": ("阳泉市", 4500, 900),
}
SOURCES = {
    "140521": "沁水县实施方案：二手车交易量较2023年增长45%（基数为演示数据）",
    "371525": "冠县实施方案：二手车交易量较2023年增长50%（基数为演示数据）",
    "140300": "阳泉市任务分工：二手车交易量较2023年增长45%（基数为演示数据）",
}
PHONE_PRICES = [98000, 105000, 110000, 112000, 118000, 125000, 160000]


def demo_verify_code(code: str) -> str:
    """The fixed verification code of a place's demo certificate (demo only)."""
    digest = hashlib.sha256(f"huanxin-demo-wipe-{code}".encode()).digest()
    return "".join(
        wipes.CODE_ALPHABET[b % len(wipes.CODE_ALPHABET)] for b in digest[: wipes.CODE_LENGTH]
    )


def _uscc(code: str, n: int) -> str:
    body = f"91{code}MA0D{n:05d}"
    return body + identifiers.uscc_check_char(body)


def _rid(code: str, n: int) -> str:
    body = f"{code}1985{1 + n % 12:02d}{10 + n % 18:02d}{n % 1000:03d}"
    return body + identifiers.resident_id_check_char(body)


def _vin(code: str, n: int) -> str:
    prefix, tail = "LSVAM418", f"D{code[-3:]}{n:04d}"
    return prefix + identifiers.vin_check_char(prefix + "0" + tail) + tail


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xb3\x26\x1e" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return auth.actor_for(session, user, via="demo")


def _account(
    session: Session, *, kind: str, role: str, username: str, org_name: str, code: str, place: str
) -> int:
    org = orgs.ensure(session, SYSTEM, kind=kind, name=org_name, jurisdiction_code=code)
    if not session.scalars(select(User.id).where(User.username == username)).first():
        users.create(
            session,
            SYSTEM,
            users.NewUser(
                username=username,
                display_name=f"{place}{org_name[len(place) :]}演示用户",
                password=core_demo.DEMO_PASSWORD,
                role=role,
                jurisdiction_code=code,
                org_id=org.id,
            ),
        )
    return org.id


def _when(d: date) -> date:
    return min(d, today_cn())


def _transactions(session: Session, dealer: Actor, code: str) -> None:
    this_year = today_cn().year
    for n, price in enumerate(PHONE_PRICES):
        dealers.register_transaction(
            session,
            dealer,
            direction="acquire",
            category="phone",
            brand="华为",
            model="Mate 40",
            serial=f"86{code}{n:07d}",
            made_year=this_year - 2,
            grade="B",
            price_fen=price,
            traded_on=_when(date(this_year, 1, 2) + timedelta(days=n)),
            seller_name=f"演示卖方{n}",
            seller_resident_id=_rid(code, n),
            buyer_name="演示经营者",
            buyer_resident_id=_rid(code, 50 + n),
        )
    for n in range(7):
        year = 2023 if n < 3 else this_year
        dealers.register_transaction(
            session,
            dealer,
            direction="acquire" if n % 2 else "resale",
            category="car",
            brand="大众",
            model="朗逸",
            serial=_vin(code, n),
            made_year=2019,
            grade="C",
            price_fen=6_500_000 + n * 100_000,
            traded_on=_when(date(year, 3, 1) + timedelta(days=n)),
            seller_name=f"车主{n}",
            seller_resident_id=_rid(code, 100 + n),
            buyer_name=f"买主{n}",
            buyer_resident_id=_rid(code, 200 + n),
        )


def _wipe(session: Session, dealer: Actor, serial: str, category: str = "phone") -> WipeCertificate:
    wipe = wipes.record_wipe(
        session,
        dealer,
        category=category,
        brand="华为",
        model="Mate 40",
        serial=serial,
        method="purge",
        tool="华为官方恢复出厂+加密擦除",
        operator_name="演示技术员",
        wiped_at=datetime(today_cn().year, 1, 1, 9, tzinfo=CHINA_TZ),
        verified=True,
        verification_note="抽检读取无用户数据",
    )
    cert = wipes.certificate_of(session, wipe.id)
    assert cert is not None
    return cert


def _place(session: Session, code: str) -> None:
    place, target_bp, baseline = PLACES[code]
    office = _actor(session, f"office.{code}")
    merchant_org = _actor(session, f"merchant.{code}").org_id
    if (
        merchant_org is None
        or session.scalars(select(Dealer.id).where(Dealer.org_id == merchant_org)).first()
    ):
        return
    n = list(PLACES).index(code)
    dealers.register_dealer(
        session,
        office,
        org_id=merchant_org,
        kind="dealer",
        uscc=_uscc(code, 1 + n * 10),
        licence_no=f"{code}-JH-001",
        categories=["phone", "tablet", "computer", "car"],
    )
    platform = _account(
        session,
        kind="merchant",
        role="merchant",
        username=f"platform.{code}",
        org_name=f"{place}二手交易平台",
        code=code,
        place=place,
    )
    dealers.register_dealer(
        session,
        office,
        org_id=platform,
        kind="platform",
        uscc=_uscc(code, 2 + n * 10),
        licence_no=f"{code}-PT-001",
        categories=["phone", "tablet", "computer"],
    )
    valuer = _account(
        session,
        kind="merchant",
        role="merchant",
        username=f"valuer.{code}",
        org_name=f"{place}旧货价格评估所",
        code=code,
        place=place,
    )
    dealers.register_dealer(
        session,
        office,
        org_id=valuer,
        kind="valuer",
        uscc=_uscc(code, 3 + n * 10),
        licence_no=f"{code}-PG-001",
        categories=["phone", "computer", "car"],
    )
    dealers.set_car_baseline(
        session,
        office,
        jurisdiction_code=code,
        count=baseline,
        target_growth_bp=target_bp,
        source=SOURCES[code],
    )
    dealer = _actor(session, f"merchant.{code}")
    _transactions(session, dealer, code)
    _wipe(session, dealer, f"86{code}9000001").verify_code = demo_verify_code(code)
    _trading_and_warehouse(session, office, dealer, code, place)


def _trading_and_warehouse(
    session: Session, office: Actor, dealer: Actor, code: str, place: str
) -> None:
    enterprise = _actor(session, f"enterprise.{code}")
    ledger = trading.ledger_choices(session, enterprise)  # rows of the equipment demo, if loaded
    listing = trading.create_listing(
        session,
        enterprise,
        title="数控车床 CK6140（整机）",
        category="机床",
        brand="沈阳机床",
        model="CK6140",
        serial=f"SY{code}0042",
        condition="C",
        asking_price_fen=8_000_000,
        condition_note="主轴正常，导轨轻微磨损",
        equipment_ref=ledger[0][0] if ledger else None,
    )
    trading.add_photo(session, enterprise, listing_id=listing.id, data=_png())
    inst_org = _account(
        session,
        kind="enterprise",
        role="enterprise",
        username=f"institution.{code}",
        org_name=f"{place}机关事务服务中心",
        code=code,
        place=place,
    )
    warehouse.register_institution(session, office, org_id=inst_org)
    inst = _actor(session, f"institution.{code}")
    items = [
        ("ZC-2016-001", "computer", "联想", "启天M4650", f"PC{code}001"),
        ("ZC-2015-002", "printer", "惠普", "LaserJet 1020", f"PR{code}002"),
        ("ZC-2014-003", "air_conditioner", "格力", "KFR-35GW", f"AC{code}003"),
    ]
    ids = [
        warehouse.declare(
            session, inst, asset_no=a, category=c, brand=b, model=m, serial=s, acquired_year=2015
        ).id
        for a, c, b, m, s in items
    ]
    warehouse.review(session, office, item_id=ids[0], accept=True, note="入仓公示")
    warehouse.review(session, office, item_id=ids[1], accept=True, note="入仓公示")
    recycler = orgs.ensure(
        session,
        SYSTEM,
        kind="recycler",
        name=core_demo.ORG_NAMES["recycler"].format(place=place),
        jurisdiction_code=code,
    )
    warehouse.approve(
        session,
        office,
        item_id=ids[0],
        route="recycle",
        recycler_org_id=recycler.id,
        note="公示期满无单位申领",
    )
    cert_no = _wipe(session, dealer, f"PC{code}001", category="computer").cert_no
    warehouse.complete(
        session, office, item_id=ids[0], certificate_no=cert_no, note="回收企业已接收"
    )


def build_demo(session: Session) -> None:
    """Create the secondhand demo once; running it again changes nothing."""
    core_demo.build(session)
    for code in PLACES:
        _place(session, code)
    session.flush()
