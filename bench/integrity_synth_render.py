"""Rendering of synthetic code rows into canonical claim records (see :mod:`.synth`).

Every string column is built at once with polars from integer codes: people's names,
phones, addresses and keyed hashes from person indices (with the variant flags that fraud
injection sets), identifiers from row numbers, invoice numbers from each merchant's running
sequence, money in integer fen from the subsidy rule of the category.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from bench.integrity_synth import (
    CATEGORIES,
    DAYS,
    GIVEN,
    MODELS_PER_CATEGORY,
    PROVINCES,
    ROADS,
    START,
    SURNAMES,
    World,
)
from huanxin.integrity.schema import COLUMN_NAMES, FRAUD_KINDS, LABEL_COLUMN


def _mix(x: np.ndarray, salt: int) -> np.ndarray:
    """A reversible 64-bit mix of integer codes (splitmix64 finaliser); used as keyed hashes."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64) + np.uint64(salt) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _pick(chars: str, idx: np.ndarray) -> pl.Series:
    return pl.Series(list(chars)).gather(pl.Series(idx % len(chars)))


def _household(src: np.ndarray) -> np.ndarray:
    """6 % of people live with the previous person index (same address and surname)."""
    joins = (_mix(src, 7) % np.uint64(100) < np.uint64(6)) & (src > 0)
    return np.where(joins, src - 1, src)


def identity_columns(rows: dict[str, np.ndarray]) -> dict[str, pl.Series]:
    """Name, phone, address, keys of each claim from its person indices and variant flags."""
    head_s = _household(rows["surname_src"])
    g = _mix(rows["given_src"], 3)
    two = (g % np.uint64(10)) < np.uint64(7)
    given2 = pl.Series(np.where(two, 1, 0)).cast(pl.Boolean)
    name = (
        _pick(SURNAMES, _mix(head_s, 1).astype(np.int64) & 0xFFFF)
        + _pick(GIVEN, (g >> np.uint64(8)).astype(np.int64) & 0xFFFF)
        + pl.select(
            pl.when(given2)
            .then(_pick(GIVEN, (g >> np.uint64(24)).astype(np.int64) & 0xFFFF))
            .otherwise(pl.lit(""))
        ).to_series()
    )
    phone_num = 13_000_000_000 + (rows["phone_src"] * 48271) % 2_147_483_647
    last = phone_num % 10
    phone_num = np.where(rows["phone_typo"], phone_num - last + (last + 3) % 10, phone_num)
    head_a = _household(rows["addr_src"])
    a = _mix(head_a, 5)
    prov = pl.Series([p[1] for p in PROVINCES]).gather(
        pl.Series((a % np.uint64(31)).astype(np.int64))
    )
    road = _pick(ROADS, (a >> np.uint64(8)).astype(np.int64) & 0xFFFF) + _pick(
        ROADS, (a >> np.uint64(20)).astype(np.int64) & 0xFFFF
    )
    num = pl.Series(((a >> np.uint64(32)) % np.uint64(300) + np.uint64(1)).astype(np.int64)).cast(
        pl.Utf8
    )
    bldg = pl.Series(((a >> np.uint64(42)) % np.uint64(30) + np.uint64(1)).astype(np.int64)).cast(
        pl.Utf8
    )
    room = pl.Series(
        ((a >> np.uint64(50)) % np.uint64(26) * np.uint64(100) + np.uint64(101)).astype(np.int64)
    ).cast(pl.Utf8)
    fmt = pl.Series(rows["addr_fmt"])
    tail = pl.select(
        pl.when(fmt).then(bldg + "-" + room).otherwise(bldg + "栋" + room + "室")
    ).to_series()
    return {
        "consumer_key": "ck" + pl.Series(_mix(rows["key_src"], 11)).cast(pl.Utf8),
        "consumer_name": name,
        "phone": pl.Series(phone_num).cast(pl.Utf8),
        "address": prov + road + "路" + num + "号" + tail,
        "bank_account_key": "bk" + pl.Series(_mix(rows["bank_src"], 13)).cast(pl.Utf8),
        "device_id": "dv" + pl.Series(_mix(rows["device_src"], 17)).cast(pl.Utf8),
    }


def invoice_sequence(rows: dict[str, np.ndarray]) -> np.ndarray:
    """Each merchant's running invoice number, in time order, with gaps for unsubsidised sales."""
    rng = np.random.default_rng(int(rows["merchant"].sum()) % (2**32))
    ts = rows["day"] * 86_400 + rows["sec"]
    order = np.lexsort((ts, rows["merchant"]))
    gaps = 1 + rng.geometric(1 / 30, len(order))
    merchant_sorted = rows["merchant"][order]
    total = np.cumsum(gaps)
    starts = np.flatnonzero(np.r_[True, merchant_sorted[1:] != merchant_sorted[:-1]])
    run_len = np.diff(np.r_[starts, len(order)])
    offset = np.repeat(total[starts] - gaps[starts], run_len)
    seq = np.empty(len(order), dtype=np.int64)
    seq[order] = total - offset
    seq = np.where(rows["seq_override"] >= 0, rows["seq_override"], seq)
    return rows["merchant"] * 1_000_000_000 + seq


def model_rate_bp(world: World) -> np.ndarray:
    """Subsidy rate of each model: energy-label level 1 (the upper half of a line) gets 20 %."""
    cat = world.model_category
    rate = np.array([c.rate_bp for c in CATEGORIES], dtype=np.int64)[cat]
    upper = np.tile(np.arange(MODELS_PER_CATEGORY) >= MODELS_PER_CATEGORY // 2, len(CATEGORIES))
    return np.where(upper & (cat <= 4), 2_000, rate)


def model_at_cap(world: World) -> np.ndarray:
    """Whether a model's usual price already earns the full per-item cap."""
    cap = np.array([c.cap_fen for c in CATEGORIES], dtype=np.int64)[world.model_category]
    fen = world.model_base_yuan * 100 * model_rate_bp(world) / 10_000
    at_cap: np.ndarray = fen >= cap * 1.08
    return at_cap


def product_columns(world: World, rows: dict[str, np.ndarray]) -> dict[str, pl.Series | np.ndarray]:
    """Category, model, price and subsidy (integer fen), old-item certificate and weight."""
    cat, model = rows["category"], rows["model"]
    prefix = np.array([c.prefix for c in CATEGORIES])[cat]
    rate = model_rate_bp(world)[model]
    cap = np.array([c.cap_fen for c in CATEGORIES], dtype=np.int64)[cat]
    price = np.round(world.model_base_yuan[model] * rows["price_mult"]).astype(np.int64) * 100
    pct = (price * rate + 5_000) // 10_000  # half-up, as huanxin.core.money.percent_of
    is_car = cat == len(CATEGORIES) - 1
    subsidy = np.where(is_car, cap, np.minimum(pct, cap))
    kg = np.array([c.weight_kg for c in CATEGORIES])[cat]
    has_cert = (rows["has_cert"] | is_car) & (kg > 0)
    uid = pl.Series(np.arange(len(cat), dtype=np.int64) * 7_919 + 1_000_003).cast(pl.Utf8)
    return {
        "category": pl.Series(np.array([c.name for c in CATEGORIES])[cat]),
        "programme_id": pl.Series(np.array([c.programme for c in CATEGORIES])[cat]),
        "model": pl.Series(prefix)
        + "-"
        + pl.Series(model % MODELS_PER_CATEGORY + 1).cast(pl.Utf8).str.zfill(3),
        "device_serial": _nullable(~is_car, pl.Series(prefix) + "SN" + uid.str.zfill(12)),
        "vin": _nullable(is_car, "LSV" + uid.str.zfill(14)),
        "recycling_cert_no": _nullable(has_cert, "HS2025" + uid.str.zfill(12)),
        "recycled_weight_kg": pl.Series(np.round(kg * rows["weight_mult"], 1)).set(
            pl.Series(~has_cert), None
        ),
        "price_fen": price,
        "subsidy_fen": subsidy,
        "cap_fen": cap,
    }


def _nullable(mask: np.ndarray, values: pl.Series) -> pl.Series:
    return pl.select(pl.when(pl.Series(mask)).then(values).otherwise(None)).to_series()


def place_and_time(world: World, rows: dict[str, np.ndarray]) -> dict[str, pl.Series | np.ndarray]:
    """Merchant, jurisdiction, redemption place and time, invoice number, status, return."""
    rng = np.random.default_rng(len(rows["day"]))
    m = rows["merchant"]
    n = len(m)
    start = np.datetime64(datetime(START.year, START.month, START.day), "us")
    ts = start + (rows["day"] * 86_400 + rows["sec"]).astype("timedelta64[s]").astype(
        "timedelta64[us]"
    )
    far = rows["far"]
    jump = rng.uniform(3.0, 8.0, n) * rng.choice([-1.0, 1.0], n)
    county = world.merchant_county[m]
    prov = pl.Series(world.county_code[county]).str.slice(0, 2)
    recent = rows["day"] >= DAYS - 20
    status = np.where(
        rng.random(n) < 0.95, "paid", np.where(rng.random(n) < 0.4, "rejected", "approved")
    )
    status = np.where(recent, np.where(rng.random(n) < 0.5, "submitted", "approved"), status)
    returned = rows["return_days"] >= 0
    back = np.where(status == "paid", "clawed_back", "cancelled")
    status = np.where(returned & ~rows["keep_paid_on_return"], back, status)
    status = np.where(rows["keep_paid_on_return"], "paid", status)
    ret_at = ts + (np.maximum(rows["return_days"], 0) * 86_400 + 3_600).astype(
        "timedelta64[s]"
    ).astype("timedelta64[us]")
    return {
        "claimed_at": ts,
        "purchase_date": (ts - rng.integers(0, 3, n).astype("timedelta64[D]")).astype(
            "datetime64[D]"
        ),
        "jurisdiction_code": pl.Series(world.county_code[county]),
        "merchant_id": "M" + pl.Series(m + 10_000_000).cast(pl.Utf8),
        "merchant_lat": np.round(world.merchant_lat[m], 5),
        "merchant_lon": np.round(world.merchant_lon[m], 5),
        "redeem_lat": np.round(world.merchant_lat[m] + rng.normal(0, 0.004, n) + far * jump, 5),
        "redeem_lon": np.round(world.merchant_lon[m] + rng.normal(0, 0.004, n) + far * jump, 5),
        "invoice_no": "25"
        + prov
        + "1"
        + pl.Series(invoice_sequence(rows)).cast(pl.Utf8).str.zfill(15),
        "status": pl.Series(status),
        "returned_at": _nullable(returned, pl.Series(ret_at)),
    }


def render(world: World, rows: dict[str, np.ndarray]) -> pl.DataFrame:
    """Code rows -> canonical claims (plus ``fraud_kind``), sorted by time, claim_id 1..n."""
    order = np.argsort(rows["day"] * 86_400 + rows["sec"], kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    rows["copy_from"] = np.where(rows["copy_from"] >= 0, inverse[rows["copy_from"]], -1)
    cols: dict[str, object] = {"claim_id": np.arange(1, len(order) + 1, dtype=np.int64)}
    cols.update(identity_columns(rows))
    cols.update(product_columns(world, rows))
    cols.update(place_and_time(world, rows))
    kinds = pl.Series([*FRAUD_KINDS, None])
    label = np.where(rows["label"] < 0, len(FRAUD_KINDS), rows["label"])
    cols[LABEL_COLUMN] = kinds.gather(pl.Series(label))
    frame = pl.DataFrame(cols)
    return _apply_copies(frame, rows).select([*COLUMN_NAMES, LABEL_COLUMN])


COPY_FIELDS = ("device_serial", "vin", "invoice_no", "recycling_cert_no")


def _apply_copies(frame: pl.DataFrame, rows: dict[str, np.ndarray]) -> pl.DataFrame:
    """Duplicate-identifier fraud: copy one identifier from the source row into the claim."""
    updates = []
    for code, field in enumerate(COPY_FIELDS, start=1):
        at = np.flatnonzero(rows["copy_field"] == code)
        values = frame[field].gather(pl.Series(rows["copy_from"][at]))
        updates.append(frame[field].scatter(at, values))
    return frame.with_columns(updates)
