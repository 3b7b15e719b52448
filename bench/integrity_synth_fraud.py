"""Injection of labelled fraud into synthetic code rows (see :mod:`.synth`).

Each kind follows a documented case (national-rules.md §3): some kinds append claims
(duplicated identifiers, variant identities, buy-return cycles, merchant spikes, night
bursts, sequential invoice batches, quota trading), others rewrite legitimate claims of a
chosen merchant or person (inflated prices, cap-maxing months, far redemptions, returns after
payment, implausible recycling weights). Merchant-level kinds use disjoint merchants, and
every rewritten row was unlabelled before, so each claim carries at most one label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bench.integrity_synth import CATEGORIES, DAYS, World, new_rows
from bench.integrity_synth_render import model_at_cap
from huanxin.integrity.schema import FRAUD_KINDS

Rows = dict[str, np.ndarray]
KIND = {k: i for i, k in enumerate(FRAUD_KINDS)}

# Share of all claims per kind, and (min, max) claims per event for appended kinds.
RATES = {
    "duplicate_identifier": 0.003,
    "variant_identity": 0.003,
    "price_inflation": 0.004,
    "return_after_subsidy": 0.002,
    "buy_return_cycle": 0.002,
    "merchant_spike": 0.003,
    "after_hours_burst": 0.001,
    "sequential_invoice": 0.0015,
    "cap_share": 0.003,
    "far_redemption": 0.002,
    "quota_trading_bank": 0.002,
    "quota_trading_device": 0.002,
    "implausible_weight": 0.0015,
}
EVENT_SIZES = {
    "duplicate_identifier": (1, 1),
    "variant_identity": (1, 2),
    "buy_return_cycle": (3, 4),
    "merchant_spike": (60, 120),
    "after_hours_burst": (6, 10),
    "sequential_invoice": (8, 14),
    "quota_trading_bank": (6, 12),
    "quota_trading_device": (6, 12),
}
MONTHS = ((31, 59), (59, 90), (90, 120), (120, 151))  # Feb..May 2025, day offsets


@dataclass
class Plan:
    """Event sizes of appended kinds and row targets of rewriting kinds."""

    events: dict[str, list[int]] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)

    @property
    def added_total(self) -> int:
        return sum(sum(sizes) for sizes in self.events.values())


def plan_counts(n: int, rng: np.random.Generator) -> Plan:
    """How many claims of each kind to plant in ``n`` claims (at least one event each)."""
    plan = Plan()
    for kind, rate in RATES.items():
        want = max(1, round(rate * n))
        if kind in EVENT_SIZES:
            lo, hi = EVENT_SIZES[kind]
            count = max(1, round(want / ((lo + hi) / 2)))
            plan.events[kind] = [int(s) for s in rng.integers(lo, hi + 1, count)]
        else:
            plan.targets[kind] = want
    return plan


class Injector:
    """Holds the base rows, a counter of fresh people and the merchants still unassigned."""

    def __init__(self, world: World, base: Rows, next_person: int) -> None:
        self.world, self.base, self.rng = world, base, world.rng
        self.next_person = next_person
        self.added: list[Rows] = []
        self.order = np.argsort(base["merchant"], kind="stable")
        m_sorted = base["merchant"][self.order]
        self.bounds = np.searchsorted(m_sorted, np.arange(world.n_merchants + 1))
        size = np.diff(self.bounds)
        busy = size >= np.median(size)
        self.free = [int(m) for m in self.rng.permutation(np.flatnonzero(busy))]
        quiet = np.flatnonzero(~busy & (size > 0))
        self.quiet = [int(m) for m in quiet[np.argsort(size[quiet], kind="stable")]]

    def fresh(self, k: int) -> np.ndarray:
        out = np.arange(self.next_person, self.next_person + k)
        self.next_person += k
        return out

    def merchant(self, groups: tuple[int, ...], *, quiet: bool = False) -> int:
        """Take an unused merchant of one of the groups (merchant kinds never share one).

        Busy merchants host the kinds that rewrite a month of claims; quiet ones host
        appended batches, so a batch stands out against the store's usual day.
        """
        pool = self.quiet if quiet else self.free
        for i, m in enumerate(pool):
            if self.world.merchant_group[m] in groups:
                return pool.pop(i)
        return int(self.rng.integers(0, self.world.n_merchants))

    def merchant_rows(self, m: int, day_from: int, day_to: int) -> np.ndarray:
        rows = self.order[self.bounds[m] : self.bounds[m + 1]]
        day = self.base["day"][rows]
        keep = (day >= day_from) & (day < day_to) & (self.base["label"][rows] < 0)
        return rows[keep]

    def unlabelled(self, k: int, mask: np.ndarray) -> np.ndarray:
        pool = np.flatnonzero(mask & (self.base["label"] < 0))
        return self.rng.choice(pool, min(k, len(pool)), replace=False)

    def append(self, kind: str, rows: Rows) -> None:
        rows["label"][:] = KIND[kind]
        self.added.append(rows)

    def rows_for(self, persons: np.ndarray, **kw: np.ndarray | None) -> Rows:
        cat = kw.pop("category", None)
        if cat is None:
            shares = np.array([c.share for c in CATEGORIES])
            cat = self.rng.choice(len(CATEGORIES), len(persons), p=shares / shares.sum())
        day = kw.pop("day", None)
        day = self.rng.integers(0, DAYS, len(persons)) if day is None else day
        return new_rows(self.world, category=cat, day=day, person=persons, **kw)

    def group_categories(self, m: int, k: int) -> np.ndarray:
        g = self.world.merchant_group[m]
        cats = [i for i, c in enumerate(CATEGORIES) if c.group == g]
        return self.rng.choice(cats, k)


def inject(world: World, base: Rows, plan: Plan, *, next_person: int) -> Rows:
    """Plant every kind of the plan into ``base`` (edited in place); return all rows."""
    from bench.integrity_synth import concat

    inj = Injector(world, base, next_person)
    for kind, sizes in plan.events.items():
        if kind in BATCHED:
            BATCHED[kind](inj, sizes)
            continue
        for size in sizes:
            APPENDERS[kind](inj, size)
    for kind, target in plan.targets.items():
        REWRITERS[kind](inj, target)
    return concat([base, *inj.added])


def _duplicate(inj: Injector, sizes: list[int]) -> None:
    b = inj.base
    src = inj.unlabelled(sum(sizes), b["day"] < DAYS - 60)
    cat = b["category"][src]
    rows = inj.rows_for(
        inj.fresh(len(src)), category=cat, day=b["day"][src] + inj.rng.integers(1, 60, len(src))
    )
    rows["model"] = b["model"][src]
    same_store = inj.rng.random(len(src)) < 0.3
    rows["merchant"] = np.where(same_store, b["merchant"][src], rows["merchant"])
    is_car = cat == len(CATEGORIES) - 1
    device_field = np.where(is_car, 2, 1)
    cert_ok = (b["has_cert"][src] | is_car) & (cat != 6)
    pick = inj.rng.random(len(src))
    rows["copy_field"] = np.where(
        pick < 0.5, device_field, np.where(pick < 0.75, 3, np.where(cert_ok, 4, 3))
    ).astype(np.int8)
    rows["copy_from"] = src
    inj.append("duplicate_identifier", rows)


def _variant(inj: Injector, sizes: list[int]) -> None:
    """Each source person claims the same category again under 1-2 variant identities."""
    b = inj.base
    src = np.repeat(inj.unlabelled(len(sizes), b["day"] < DAYS - 60), sizes)
    size = len(src)
    person = b["person"][src]
    rows = inj.rows_for(
        person, category=b["category"][src], day=b["day"][src] + inj.rng.integers(1, 60, size)
    )
    r = inj.rng.random((5, size))
    rows["key_src"] = inj.fresh(size)  # a borrowed or re-registered id number
    rows["given_src"] = np.where(r[0] < 0.5, person, inj.fresh(size))  # self or a relative
    rows["phone_typo"] = r[1] < 0.3
    rows["addr_fmt"] = r[2] < 0.5
    rows["bank_src"] = np.where(r[3] < 0.7, person, inj.fresh(size))
    rows["device_src"] = np.where(r[4] < 0.6, person, inj.fresh(size))
    inj.append("variant_identity", rows)


def _cycle(inj: Injector, size: int) -> None:
    m = int(inj.rng.choice(np.flatnonzero(inj.world.merchant_group != 2)))
    cat = np.repeat(inj.group_categories(m, 1), size)
    day0 = int(inj.rng.integers(0, DAYS - 8 * size))
    day = day0 + np.cumsum(inj.rng.integers(3, 9, size)) - 3
    rows = inj.rows_for(
        np.repeat(inj.fresh(1), size), category=cat, day=day, merchant=np.full(size, m)
    )
    rows["model"] = np.repeat(rows["model"][:1], size)
    rows["return_days"] = np.where(np.arange(size) < size - 1, inj.rng.integers(1, 3, size), -1)
    inj.append("buy_return_cycle", rows)


def _store_batch(inj: Injector, size: int, kind: str, seconds: np.ndarray | None) -> Rows:
    m = inj.merchant((0, 1), quiet=True)
    day = np.full(size, int(inj.rng.integers(30, DAYS)))
    return inj.rows_for(
        inj.fresh(size),
        category=inj.group_categories(m, size),
        day=day,
        merchant=np.full(size, m),
        seconds=seconds,
    )


def _spike(inj: Injector, size: int) -> None:
    inj.append("merchant_spike", _store_batch(inj, size, "merchant_spike", None))


def _night(inj: Injector, size: int) -> None:
    sec = int(inj.rng.integers(0, 5)) * 3600 + np.sort(inj.rng.integers(0, 3600, size))
    inj.append("after_hours_burst", _store_batch(inj, size, "after_hours_burst", sec))


def _sequential(inj: Injector, size: int) -> None:
    rows = _store_batch(inj, size, "sequential_invoice", None)
    start = 900_000_000 + 1_000 * len(inj.added)
    order = np.argsort(rows["sec"])
    rows["seq_override"][order] = start + np.arange(size)
    inj.append("sequential_invoice", rows)


def _quota(kind: str, column: str) -> Callable[[Injector, int], None]:
    def add(inj: Injector, size: int) -> None:
        day = int(inj.rng.integers(0, DAYS - 30)) + inj.rng.integers(0, 30, size)
        rows = inj.rows_for(inj.fresh(size), day=day)
        rows[column] = np.repeat(inj.fresh(1), size)
        inj.append(kind, rows)

    return add


BATCHED: dict[str, Callable[[Injector, list[int]], None]] = {
    "duplicate_identifier": _duplicate,
    "variant_identity": _variant,
}
APPENDERS: dict[str, Callable[[Injector, int], None]] = {
    "buy_return_cycle": _cycle,
    "merchant_spike": _spike,
    "after_hours_burst": _night,
    "sequential_invoice": _sequential,
    "quota_trading_bank": _quota("quota_trading_bank", "bank_src"),
    "quota_trading_device": _quota("quota_trading_device", "device_src"),
}


def _merchant_months(
    inj: Injector, target: int, kind: str, edit: Callable[[Injector, np.ndarray], np.ndarray]
) -> None:
    """Rewrite claims of whole merchant-months until ``target`` claims carry the label."""
    done = 0
    while done < target and inj.free:
        m = inj.merchant((0,) if kind == "cap_share" else (0, 1))
        start, end = MONTHS[int(inj.rng.integers(0, len(MONTHS)))]
        rows = inj.merchant_rows(m, start, end)
        rows = edit(inj, rows)
        inj.base["label"][rows] = KIND[kind]
        done += len(rows)


def _inflate(inj: Injector, rows: np.ndarray) -> np.ndarray:
    inj.base["price_mult"][rows] *= inj.rng.uniform(1.35, 1.8) * np.exp(
        inj.rng.normal(0, 0.03, len(rows))
    )
    return rows


def _max_out(inj: Injector, rows: np.ndarray) -> np.ndarray:
    """85 % of the month's sales switch to models whose price earns the full cap."""
    rows = rows[inj.rng.random(len(rows)) < 0.85]
    at_cap = model_at_cap(inj.world)
    cat = inj.base["category"][rows]
    keep = np.zeros(len(rows), dtype=bool)
    for c in np.unique(cat):
        models = np.flatnonzero(at_cap & (inj.world.model_category == c))
        here = np.flatnonzero(cat == c)
        if len(models) and c < len(CATEGORIES) - 1:  # the car subsidy is a fixed amount
            inj.base["model"][rows[here]] = inj.rng.choice(models, len(here))
            keep[here] = True
    return rows[keep]


def _far(inj: Injector, rows: np.ndarray) -> np.ndarray:
    rows = rows[inj.rng.random(len(rows)) < 0.7]
    inj.base["far"][rows] = True
    return rows


def _returned(inj: Injector, target: int) -> None:
    b = inj.base
    rows = inj.unlabelled(target, (b["day"] < DAYS - 60) & (b["return_days"] < 0))
    b["return_days"][rows] = inj.rng.integers(15, 40, len(rows))
    b["keep_paid_on_return"][rows] = True
    b["label"][rows] = KIND["return_after_subsidy"]


def _weight(inj: Injector, target: int) -> None:
    b = inj.base
    kg = np.array([c.weight_kg for c in CATEGORIES])[b["category"]]
    rows = inj.unlabelled(
        target, (b["has_cert"] | (b["category"] == len(CATEGORIES) - 1)) & (kg > 0)
    )
    low = inj.rng.random(len(rows)) < 0.5
    b["weight_mult"][rows] = np.where(
        low, inj.rng.uniform(0.05, 0.2, len(rows)), inj.rng.uniform(4, 8, len(rows))
    )
    b["label"][rows] = KIND["implausible_weight"]


REWRITERS: dict[str, Callable[[Injector, int], None]] = {
    "price_inflation": lambda inj, t: _merchant_months(inj, t, "price_inflation", _inflate),
    "cap_share": lambda inj, t: _merchant_months(inj, t, "cap_share", _max_out),
    "far_redemption": lambda inj, t: _merchant_months(inj, t, "far_redemption", _far),
    "return_after_subsidy": _returned,
    "implausible_weight": _weight,
}
