"""Trade-in demo: programmes, funded pools, a catalogue, merchants, consumers and about
10,000 claims in every state, all made through the real services (so the ledger balances
and the audit trail are what production would write). Deterministic: a fixed seed."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huanxin.claims.demo import papers
from huanxin.claims.demo import releases as release_demo
from huanxin.claims.demo import till as till_demo
from huanxin.claims.models import (
    CatalogueProduct,
    Claim,
    ClaimEvent,
    Evidence,
    PaymentBatch,
    PaymentItem,
    Quota,
)
from huanxin.claims.service import apply, lifecycle, quotas, reconcile, redeem, settle
from huanxin.core import auth, orgs, users
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, today_cn, utcnow
from huanxin.core.identifiers import resident_id_check_char, vin_check_char
from huanxin.core.models import User
from huanxin.core.money import yuan
from huanxin.core.passwords import hash_password
from huanxin.ledger import service as ledger
from huanxin.ledger.api import periods as ledger_periods
from huanxin.ledger.api import tranches
from huanxin.policy import service as policies
from huanxin.policy.api import NATIONAL_CODE

COUNTIES = ["140521", "371525", "140300"]
CATEGORIES_2025 = [
    "refrigerator",
    "washing_machine",
    "television",
    "air_conditioner",
    "computer",
    "water_heater",
    "range_hood",
    "dishwasher",
    "microwave_oven",
    "rice_cooker",
]
CATEGORIES_2026 = [
    "refrigerator",
    "washing_machine",
    "television",
    "air_conditioner",
    "computer",
    "water_heater",
]
DEMO_YEARS = (2025, 2026)
PRICES = [199900, 259900, 349900, 459900, 599900, 799900, 1299900]
BUDGET_FEN = {
    "central": 30_000_000_00,
    "province": 5_000_000_00,
    "city": 2_000_000_00,
    "county": 2_000_000_00,
}


@dataclass
class World:
    session: Session
    rng: random.Random
    merchants: dict[str, list[Actor]]
    consumers: dict[str, list[Actor]]
    office: dict[str, Actor]
    reviewer: dict[str, Actor]
    finance: dict[str, Actor]
    applications: int = 0


APPLICATIONS = 60  # post-purchase car applications per county (fewer in a small demo)


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return auth.actor_for(session, user, via="session")


def _resident_id(code: str, n: int) -> str:
    birth = date(1960, 1, 1) + timedelta(days=(n * 37) % 15000)
    body = f"{code}{birth:%Y%m%d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


def _consumers(session: Session, code: str, count: int, password_hash: str) -> list[Actor]:
    actors = []
    for n in range(count):
        username = f"buyer{n:04d}.{code}"
        if not session.scalars(select(User.id).where(User.username == username)).first():
            users.create(
                session,
                SYSTEM,
                users.NewUser(
                    username=username,
                    display_name=f"居民{n:04d}",
                    password="",
                    password_hash=password_hash,
                    role="consumer",
                    jurisdiction_code=code,
                    resident_id=_resident_id(code, n + 1),
                ),
            )
        actors.append(_actor(session, username))
    return actors


def _merchants(session: Session, code: str, password_hash: str) -> list[Actor]:
    actors = [_actor(session, f"merchant.{code}")]
    for n, name in enumerate(["数码广场", "家居生活馆", "电器连锁"], start=1):
        org = orgs.ensure(
            session, SYSTEM, kind="merchant", name=f"{name}{code}", jurisdiction_code=code
        )
        username = f"shop{n}.{code}"
        if not session.scalars(select(User.id).where(User.username == username)).first():
            users.create(
                session,
                SYSTEM,
                users.NewUser(
                    username=username,
                    display_name=f"{name}店员",
                    password="",
                    password_hash=password_hash,
                    role="merchant",
                    jurisdiction_code=code,
                    org_id=org.id,
                ),
            )
        actors.append(_actor(session, username))
    return actors


def _pools(session: Session, code: str) -> None:
    """Fund, for each budget year of the demo, the programmes in force that year that apply
    at ``code`` (national ones and those of its province, city or itself): another place's
    programme has no budget here. Each pool's year budget comes in monthly tranches, those
    due by today released."""
    path = policies.path_of(session, code)
    wanted = {
        (programme.id, year)
        for programme in policies.all_versions(session)
        if programme.jurisdiction.code == NATIONAL_CODE or programme.jurisdiction.code in path
        for year in DEMO_YEARS
        if ledger_periods.in_force(programme, year)
    }
    for programme_id, year in sorted(wanted):
        for layer, amount in BUDGET_FEN.items():
            key = {"programme_id": programme_id, "layer": layer, "jurisdiction_code": code}
            if ledger.find_pool(session, **key, period_year=year):
                continue
            pool = ledger.create_pool(
                session, SYSTEM, **key, period_year=year, shards=4, budget_fen=amount
            )
            rows = tranches.plan(session, pool, pattern="monthly")
            tranches.set_schedule(session, SYSTEM, pool_id=pool.id, rows=rows)
    tranches.release_due(session, SYSTEM, today=today_cn())


def _catalogue(session: Session) -> None:
    if session.scalar(select(func.count()).select_from(CatalogueProduct)):
        return
    for category in CATEGORIES_2025:
        for i, price in enumerate(PRICES):
            session.add(
                CatalogueProduct(
                    category=category,
                    brand="示范品牌",
                    model=f"{category[:3].upper()}-{i + 1}00",
                    grade=1,
                    list_price_fen=price,
                    valid_from=date(2025, 1, 1),
                    created_at=utcnow(),
                )
            )


def _sale(world: World, actor: Actor, n: int) -> Claim | None:
    rng = world.rng
    day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 690))
    cats = CATEGORIES_2026 if day.year == 2026 else CATEGORIES_2025
    category = rng.choice(cats)
    i = rng.randrange(len(PRICES))
    consumer = rng.choice(world.consumers[actor.jurisdiction_code])
    return _try_redeem(world, actor, consumer, n, day, category, i)


def _try_redeem(
    world: World,
    merchant: Actor,
    consumer: Actor,
    n: int,
    day: date,
    category: str,
    i: int,
    *,
    at: datetime | None = None,
) -> Claim | None:
    """Redeem one sale made on ``day`` (at ``at``, Beijing time; by default a business-hours
    minute that follows from ``n``), or None when the rules refuse it."""
    from huanxin.core.errors import DomainError

    session = world.session
    code = merchant.jurisdiction_code
    try:
        with session.begin_nested():
            quota = quotas.claim_quota(session, consumer, category=category, on_date=day)
            sale = redeem.Sale(
                category=category,
                product_model=f"{category[:3].upper()}-{i + 1}00",
                device_serial=f"SN{code}{n:07d}",
                price_fen=PRICES[i],
                purchase_date=day,
                invoice_no=f"{day:%y}{code}{n:012d}",
                quota_code=quota.code,
                grade=1,
            )
            claim = redeem.redeem(session, merchant, sale)
    except DomainError:
        return None
    _made_at(session, claim, at or _business_minute(day, n))
    return claim


def _business_minute(day: date, n: int) -> datetime:
    """A minute between 09:00 and 20:59 Beijing time on ``day``, spread by the sale number."""
    return datetime.combine(day, time(9)) + timedelta(minutes=(n * 7919) % (12 * 60))


def _made_at(session: Session, claim: Claim, local: datetime) -> None:
    """Date the claim and its redemption event to when the demo's sale was made (Beijing
    ``local``), not to when the demo was loaded: the integrity rules read sale times."""
    made = local.replace(tzinfo=CHINA_TZ).astimezone(UTC)
    claim.created_at = made
    session.execute(update(ClaimEvent).where(ClaimEvent.claim_id == claim.id).values(at=made))


def _night_batch(world: World, code: str) -> int:
    """One merchant's batch of sales keyed in between 02:00 and 03:00 with consecutive
    invoice numbers (what the after-hours and sequential-invoice rules exist for), so the
    risk dashboard and review queue have a case to show. Returns how many were made."""
    merchant, day, made = world.merchants[code][0], date(2026, 10, 15), 0
    for consumer in reversed(world.consumers[code]):  # until 8 are made (a used quota refuses)
        at = datetime.combine(day, time(2, 5)) + timedelta(minutes=6 * made)
        claim = _try_redeem(
            world, merchant, consumer, 9_000_000 + made, day, "television", 2, at=at
        )
        made += claim is not None
        if made == 8:
            break
    return made


def _advance(world: World, claim: Claim, roll: float) -> None:
    session = world.session
    code = claim.jurisdiction_code
    if roll < 0.15:
        return  # stays reserved
    if roll < 0.20:
        lifecycle.cancel(session, world.office[code], claim_id=claim.id, reason="顾客取消购买")
        return
    lifecycle.verify(session, world.office[code], claim_id=claim.id, note="抽检通过")
    if roll < 0.25:
        lifecycle.record_return(
            session,
            world.office[code],
            claim_id=claim.id,
            returned_on=claim.purchase_date + timedelta(days=3),
        )


def demo_vin(code: str, n: int) -> str:
    """A synthetic VIN (valid check digit, model year 2025) for car application ``n`` of ``code``."""
    body = f"LDM{code[:5]}0S{code[5]}{n:06d}"
    return body[:8] + vin_check_char(body) + body[9:]


def _paper(kind: str, label: str) -> lifecycle.Upload:
    return lifecycle.Upload(kind=kind, filename=f"{label}.pdf", content=papers.sample_pdf(label))


def attach_sample_papers(session: Session, claim: Claim) -> None:
    """One sample paper for every item of the claim's checklist the applicant has not filed."""
    filed = set(session.scalars(select(Evidence.kind).where(Evidence.claim_id == claim.id)))
    for kind, label in lifecycle.required_evidence(session, claim).items():
        if kind not in filed:
            lifecycle.attach(session, claim, _paper(kind, label))
    session.flush()


def _applications(world: World, code: str) -> None:
    session = world.session
    invoice = _paper("vehicle_sales_invoice", "新车机动车销售统一发票")
    appeal = _paper("deregistration_certificate", "机动车注销证明")
    car = {
        "category": "passenger_car",
        "price_fen": 15_000_000,
        "new_vehicle": "nev",
        "old_vehicle_scrapped": True,
        "old_vehicle_fuel": "petrol",
        "old_vehicle_emission_standard": 3,
        "old_vehicle_registered_on": "2010-03-01",
        "old_vehicle_owned_since": "2015-06-01",
    }
    for n, consumer in enumerate(world.consumers[code][: world.applications]):
        claim = apply.submit(
            session,
            consumer,
            inputs=car,
            purchase_date=date(2025, 3, 1) + timedelta(days=n * 3),
            uploads=[invoice],
            vin=demo_vin(code, n),
        )
        attach_sample_papers(session, claim)
        step = n % 6
        if step == 0:
            continue  # submitted
        if step in (1, 2, 3):
            lifecycle.reject(
                session, world.office[code], claim_id=claim.id, reason="行驶证信息与报废证明不一致"
            )
            if step >= 2:
                lifecycle.appeal(
                    session, consumer, claim_id=claim.id, reason="补充注销证明", upload=appeal
                )
            if step == 3:
                lifecycle.reject(
                    session, world.reviewer[code], claim_id=claim.id, reason="仍不符合条件"
                )
            continue
        checklist = frozenset(lifecycle.required_evidence(session, claim))
        lifecycle.approve(
            session, world.office[code], claim_id=claim.id, note="材料齐全", checklist=checklist
        )


def _settle(world: World, code: str) -> None:
    """Pay most approved claims (every 7th payee's payment fails and is re-queued), return a
    few paid ones (clawed back), and leave the re-queued ones in an open batch."""
    session = world.session
    finance = world.finance[code]
    batch = settle.create_batch(session, finance)
    rows = settle.bank_rows(session, finance, batch.id)
    lines = ["付款单号,结果,银行流水号,失败原因"]
    for row in rows[1:]:
        ok = int(row[1]) % 7 != 0
        lines.append(
            f"{row[1]},{'成功' if ok else '失败'},{'DEMO' + row[1] if ok else ''},{'' if ok else '账户信息有误'}"
        )
    settle.import_result(
        session, finance, batch_id=batch.id, content="\n".join(lines).encode("utf-8")
    )
    paid = list(
        session.scalars(
            select(Claim)
            .where(
                Claim.jurisdiction_code == code,
                Claim.state == "paid",
                Claim.kind == "point_of_sale",
            )
            .order_by(Claim.id)
        )
    )
    for claim in paid[: min(20, len(paid) // 8)]:
        lifecycle.record_return(
            session,
            world.office[code],
            claim_id=claim.id,
            returned_on=claim.purchase_date + timedelta(days=5),
        )
    if session.scalar(
        select(func.count()).where(Claim.jurisdiction_code == code, Claim.state == "approved")
    ):
        settle.create_batch(session, finance)


def _reconcile(world: World, code: str) -> None:
    """The bank's results and the card organisation's redemptions, reconciled with a
    difference of each kind for finance to act on: one amount differs and one payment is
    missing from the bank's file; one redemption is missing and one unknown in the card's."""
    session, finance, today = world.session, world.finance[code], today_cn().isoformat()
    items = session.execute(
        select(PaymentItem, PaymentBatch.id)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentBatch.jurisdiction_code == code, PaymentItem.state == "paid")
        .order_by(PaymentItem.id)
    ).all()
    bank: list[list[object]] = [list(reconcile.HEADERS["bank"])]
    for n, (item, batch_id) in enumerate(items[:-1]):
        amount = yuan(item.amount_fen + (100 if n == 0 else 0))
        bank.append([code, batch_id, item.id, item.payee_name, amount, item.bank_ref, today])
    sales = session.execute(
        select(Claim, Quota.code)
        .join(Quota, Quota.id == Claim.quota_id)
        .where(Claim.jurisdiction_code == code, Claim.kind == "point_of_sale")
        .where(Claim.state != "cancelled")
        .order_by(Claim.id)
    ).all()
    card: list[list[object]] = [list(reconcile.HEADERS["card"])]
    for claim, quota_code in sales[1:]:
        serial, subsidy = f"UP{claim.id:012d}", yuan(claim.subsidy_fen)
        card.append([code, serial, quota_code, "商户", subsidy, claim.purchase_date])
    if sales:
        card.append(
            [code, "UP999999999999", "UNKNOWN1", "商户", "100.00", sales[-1][0].purchase_date]
        )
    for kind, rows in (("bank", bank), ("card", card)):
        if len(rows) > 1:
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            content = out.getvalue().encode()
            reconcile.reconcile(
                session, finance, kind=kind, filename=f"{kind}.csv", content=content
            )


def build(session: Session, *, claims: int = 10_000, seed: int = 20251) -> int:
    """Build the trade-in demo (idempotent: does nothing when claims exist). Returns the count."""
    policies.sync_dir(session, SYSTEM)
    existing = session.scalar(select(func.count()).select_from(Claim)) or 0
    if existing or claims <= 0:
        return int(existing)
    password_hash = hash_password("Huanxin@2026")
    world = World(session, random.Random(seed), {}, {}, {}, {}, {})
    _catalogue(session)
    per_county = max(1, claims // len(COUNTIES))
    for code in COUNTIES:
        _pools(session, code)
        world.merchants[code] = _merchants(session, code, password_hash)
        world.consumers[code] = _consumers(session, code, max(80, per_county // 5), password_hash)
        world.office[code] = _actor(session, f"office.{code}")
        world.reviewer[code] = _actor(session, f"department.{code}")
        world.finance[code] = _actor(session, f"finance.{code}")
        release_demo.build(session, world.office[code], code)
    till_demo.build(session, [world.merchants[code][0] for code in COUNTIES])
    for code in COUNTIES:
        world.applications = max(6, min(APPLICATIONS, per_county // 10))
        sales = max(1, per_county - world.applications)
        next_n = _sales(world, code, sales * 4 // 5, start=0)
        if code == COUNTIES[0]:
            _night_batch(world, code)
        _applications(world, code)
        _settle(world, code)
        _reconcile(world, code)
        _sales(world, code, sales - sales * 4 // 5, start=next_n)
    session.flush()
    return int(session.scalar(select(func.count()).select_from(Claim)) or 0)


def _sales(world: World, code: str, target: int, *, start: int) -> int:
    """Make ``target`` point-of-sale claims (a sale the rules refuse, e.g. a consumer whose
    quota for the category is used, is simply not made); returns the next sale number."""
    made, n = 0, start
    while made < target and n < start + 3 * target + 100:
        claim = _sale(world, world.rng.choice(world.merchants[code]), n)
        n += 1
        if claim is not None:
            _advance(world, claim, world.rng.random())
            made += 1
    return n
