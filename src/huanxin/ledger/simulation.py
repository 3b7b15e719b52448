"""``huanxin simulate pacing``: a year of one county's trade-in sales against a budget that
covers about 70 % of the demand, driven through the real services on a fresh SQLite database.

The county's central-layer pool of the 2026 national appliance programme gets its year's
budget in weekly tranches (the monthly plan is their sum per month). Every day runs on a
simulated clock: the ``budget_pacing`` job's work runs at each of the day's slots (release,
pause or resume, alerts), then the slot's sales come in; each is checked with
``check_open`` (refused while paused), quoted by the policy engine and reserved in the
ledger. Each sale is then verified (审核) some days later and paid (committed) on a working
day after that. After 31 December the year is closed (the remainder returned) and the last
reservations are paid. The result says whether any money was spent beyond what was
released, how far each month strayed from its plan, how many days sales were paused,
whether every reserved claim was paid and how many were decided or paid past their
statutory deadline.

Statutory clocks: the appliance programme sets no limits of its own, so its sales are held
to those the shipped car programmes carry (review within 15 and pay within 30 working
days), counted on the official calendar of ``core/workdays.py`` (holidays and 调休 make-up
workdays) exactly as ``claims/service/clocks.py`` counts a claim's clock. Most sales are
verified within ten days; a few (files sent back for missing evidence) take three to five
weeks, and some of those miss the review deadline. Payments wait for a working day.
"""

from __future__ import annotations

import os
import random
import secrets
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin import demo, migrate
from huanxin.config import get_settings
from huanxin.core import jurisdictions, workdays
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ, simulated
from huanxin.core.errors import DomainError
from huanxin.db import Database
from huanxin.ledger import forecast, pacing, service, tranches
from huanxin.ledger.models import Entry
from huanxin.policy import service as policies
from huanxin.policy.api import ItemAttributes

YEAR = 2026
COUNTY = "140521"
PROGRAMME = "cn.appliance"
LAYER = "central"
CATEGORIES = ("refrigerator", "washing_machine", "television", "air_conditioner")
PRICES = (199900, 349900, 459900, 599900, 799900, 1299900)
SLOTS = (9, 11, 13, 15, 17, 19)  # Beijing-time hours the job runs and sales come in
REVIEW_DAYS = (1, 10)  # calendar days from the sale to its verification (inclusive) …
SLOW_REVIEW_DAYS, SLOW_BP = (20, 35), 300  # … except 3 % sent back for missing evidence
PAY_DAYS = (1, 10)  # then calendar days to payment, moved on to the next working day
REVIEW_LIMIT, PAY_LIMIT = 15, 30  # working days: the shipped car programmes' statutory clocks
COVER_BP = 7_000  # the budget covers 70 % of the year's demand


@dataclass
class Outcome:
    days: int = 0
    budget_fen: int = 0
    spent_fen: int = 0
    overspend_fen: int = 0
    max_month_deviation: float = 0.0
    paused_days: int = 0
    reserved_honoured: bool = True
    claims_past_deadline: int = 0
    sales: int = 0
    refused_paused: int = 0
    refused_short: int = 0
    demand_fen: int = 0
    months: list[dict[str, int]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        keys = (
            "days",
            "budget_fen",
            "spent_fen",
            "overspend_fen",
            "max_month_deviation",
            "paused_days",
            "reserved_honoured",
            "claims_past_deadline",
        )
        return {k: getattr(self, k) for k in keys}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CHINA_TZ).astimezone(UTC)


def demand(seed: int, mean_per_day: float) -> dict[date, list[tuple[str, int]]]:
    """Synthetic daily sales (category, price): a spring and a November peak, busier weekends."""
    rng = random.Random(seed)
    out: dict[date, list[tuple[str, int]]] = {}
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        season = 1.0 + 0.15 * (day.month in (3, 4, 5)) + 0.2 * (day.month == 11)
        season -= 0.15 * (day.month in (1, 2, 7))
        weekend = 1.3 if day.weekday() >= 5 else 1.0
        count = max(0, round(rng.gauss(mean_per_day * season * weekend, 3)))
        out[day] = [(rng.choice(CATEGORIES), rng.choice(PRICES)) for _ in range(count)]
        day += timedelta(days=1)
    return out


def _world(db: Database) -> None:
    with db.unit_of_work() as session:
        for code, name, level, parent in demo.PLACES:
            jurisdictions.ensure(
                session, SYSTEM, code=code, name=name, level=level, parent_code=parent
            )
        policies.sync_dir(session, SYSTEM)


def _central_share(
    session: Session, cache: dict[tuple[str, int], int], sale: tuple[str, int], day: date
) -> int:
    """What the sale draws on the central pool: the policy engine's quote, central layer."""
    if sale not in cache:
        item = ItemAttributes(category=sale[0], price_fen=sale[1], grade=1)
        quote = policies.quote_for(session, jurisdiction_code=COUNTY, on_date=day, item=item)
        cache[sale] = sum(
            amount for layer, amount in quote.funding_fen.items() if layer.value == LAYER
        )
    return cache[sale]


@dataclass
class _Books:
    """The simulation's own record, to check the ledger against."""

    pending: dict[date, list[tuple[str, int, date, date]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    reserved: int = 0
    paid: int = 0
    late: int = 0
    failed_pay: int = 0
    paused_days: set[date] = field(default_factory=set)


class Simulation:
    def __init__(
        self, db: Database, *, seed: int = 17, mean_per_day: float = 24.0, slots: int = 6
    ) -> None:
        self.db = db
        self.slots = SLOTS[:slots]
        self.rng = random.Random(seed + 1)
        self.demand = demand(seed, mean_per_day)
        self.books = _Books()
        self.outcome = Outcome()
        self.shares: dict[tuple[str, int], int] = {}
        self.pool_id = 0
        self.calendar = workdays.Calendar({}, frozenset())

    def open_pool(self) -> None:
        with self.db.unit_of_work() as session, simulated(_at(date(YEAR, 1, 1), 0)):
            need = sum(
                _central_share(session, self.shares, sale, day)
                for day, sales in self.demand.items()
                for sale in sales
            )
            budget = need * COVER_BP // 10_000 // 100 * 100  # whole yuan
            pool = service.create_pool(
                session,
                SYSTEM,
                programme_id=PROGRAMME,
                layer=LAYER,
                jurisdiction_code=COUNTY,
                period_year=YEAR,
                budget_fen=budget,
            )
            rows = tranches.plan(session, pool, pattern="weekly")
            tranches.set_schedule(session, SYSTEM, pool_id=pool.id, rows=rows)
            self.pool_id = pool.id
            self.outcome.budget_fen, self.outcome.demand_fen = budget, need
            self.calendar = workdays.load(session)  # the official calendar, as clocks use it

    def _pay_due(self, session: Session, day: date) -> None:
        for ref, amount, sold, reviewed in self.books.pending.pop(day, []):
            try:
                with session.begin_nested():
                    service.commit(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
            except DomainError:
                self.books.failed_pay += 1
                continue
            self.books.paid += 1
            self.books.late += self._past_deadline(sold, reviewed, day)

    def _past_deadline(self, sold: date, reviewed: date, paid: date) -> bool:
        """Whether the review or the payment missed its statutory deadline."""
        review_due = self.calendar.add_workdays(sold, REVIEW_LIMIT)
        pay_due = self.calendar.add_workdays(reviewed, PAY_LIMIT)
        return reviewed > review_due or paid > pay_due

    def _schedule(self, sold: date) -> tuple[date, date]:
        """When the sale is verified and when it is paid (a working day)."""
        slow = self.rng.randrange(10_000) < SLOW_BP
        reviewed = sold + timedelta(
            days=self.rng.randint(*(SLOW_REVIEW_DAYS if slow else REVIEW_DAYS))
        )
        paid = self.calendar.next_workday(reviewed + timedelta(days=self.rng.randint(*PAY_DAYS)))
        return reviewed, paid

    def _sell(self, session: Session, day: date, sale: tuple[str, int], n: int) -> None:
        try:
            service.check_open(session, programme_ids=[PROGRAMME], jurisdiction_code=COUNTY, on=day)
        except DomainError:
            self.outcome.refused_paused += 1
            self.books.paused_days.add(day)
            return
        amount = _central_share(session, self.shares, sale, day)
        ref = f"claim:{day:%m%d}:{n}"
        try:
            with session.begin_nested():
                service.reserve(session, pool_id=self.pool_id, amount_fen=amount, ref=ref)
        except DomainError:
            self.outcome.refused_short += 1
            return
        self.books.reserved += 1
        self.outcome.sales += 1
        reviewed, pay_on = self._schedule(day)
        self.books.pending[pay_on].append((ref, amount, day, reviewed))

    def run_day(self, day: date) -> None:
        sales = self.demand[day]
        per_slot = -(-len(sales) // len(self.slots)) if sales else 0
        for index, hour in enumerate(self.slots):
            with simulated(_at(day, hour)), self.db.unit_of_work() as session:
                pacing.run(session, today=day, alerts=index == 0)
                if index == 0:
                    self._pay_due(session, day)
                for n, sale in enumerate(sales[index * per_slot : (index + 1) * per_slot]):
                    self._sell(session, day, sale, index * 1000 + n)

    def finish(self) -> Outcome:
        """Close the year, pay what is still reserved, and compute the outcome."""
        day = date(YEAR + 1, 1, 1)
        while self.books.pending:
            with simulated(_at(day, 9)), self.db.unit_of_work() as session:
                pacing.run(session, today=day, alerts=False)
                self._pay_due(session, day)
            day += timedelta(days=1)
        with self.db.sessions() as session:
            self._measure(session)
        return self.outcome

    def _measure(self, session: Session) -> None:
        out, books = self.outcome, self.books
        b = service.pool_balances(session, self.pool_id)
        released = b.allocated + sum(_returned(session, self.pool_id))
        out.days = len(self.demand)
        out.spent_fen = b.spent
        problems = service.check(session)
        if problems:
            raise RuntimeError(f"ledger check failed: {problems[:3]}")
        out.overspend_fen = max(0, b.spent + b.reserved - released)
        out.paused_days = len(books.paused_days)
        out.reserved_honoured = (
            books.paid == books.reserved and books.failed_pay == 0 and b.reserved == 0
        )
        out.claims_past_deadline = books.late
        plan = forecast.monthly_plan(session, self.pool_id)
        spending = forecast.daily_spending(
            session, self.pool_id, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31)
        )
        by_month: dict[int, int] = defaultdict(int)
        for d, v in spending.items():
            by_month[d.month] += v
        out.months = [
            {"month": m, "plan_fen": plan.get(m, 0), "spent_fen": by_month.get(m, 0)}
            for m in range(1, 13)
        ]
        out.max_month_deviation = round(
            max(
                abs(r["spent_fen"] - r["plan_fen"]) / r["plan_fen"]
                for r in out.months
                if r["plan_fen"]
            ),
            4,
        )


def _returned(session: Session, pool_id: int) -> list[int]:
    """Money taken back out of the pool at year end (it had been released before)."""
    stmt = select(Entry.amount_fen).where(
        Entry.pool_id == pool_id,
        Entry.account == "external",
        Entry.kind.in_(("year_return", "carry_out")),
    )
    return [int(v) for v in session.scalars(stmt)]


def _own_audit_keys(folder: str) -> None:
    """The simulation's database is thrown away: its audit trail gets a key of its own, unless
    the caller set one (nothing is written to the deployment's key file)."""
    if not os.environ.get("HUANXIN_SECRET_KEY"):
        os.environ["HUANXIN_SECRET_KEY"] = secrets.token_urlsafe(32)
        os.environ["HUANXIN_AUDIT_KEY_FILE"] = str(Path(folder) / "audit.keys")
        get_settings.cache_clear()


def run(
    *, seed: int = 17, mean_per_day: float = 24.0, slots: int = 6, url: str | None = None
) -> Outcome:
    """Run the year on a fresh SQLite database (a temporary file unless ``url`` is given)."""
    with tempfile.TemporaryDirectory() as folder:
        _own_audit_keys(folder)
        url = url or f"sqlite:///{Path(folder) / 'pacing.db'}"
        migrate.upgrade(url)
        db = Database(url)
        try:
            _world(db)
            sim = Simulation(db, seed=seed, mean_per_day=mean_per_day, slots=slots)
            sim.open_pool()
            for day in sorted(sim.demand):
                sim.run_day(day)
            return sim.finish()
        finally:
            db.dispose()
