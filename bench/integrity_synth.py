"""Synthetic trade-in claims with labelled injected fraud, written as Parquet.

Generation is vectorised (numpy + polars): a claim is first a row of small integer codes
(merchant, day, second, model, person indices, ...), fraud injection edits or appends such
rows (see :mod:`bench.integrity_synth_fraud`), and :func:`render` turns all of them into the
canonical record of :mod:`huanxin.integrity.schema` at once. 10 million claims take well
under a minute and a few GiB of memory.

Legitimate behaviour the detectors must not flag is generated on purpose: households that
share an address and surname, big stores with many claims a day, a little online night
traffic, a few redemptions far from the store, returns that were clawed back, models whose
price is above the subsidy cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

START = date(2025, 1, 1)
DAYS = 180

# (code, name, capital lat, capital lon) of the 31 provinces; approximate public coordinates.
PROVINCES: tuple[tuple[str, str, float, float], ...] = (
    ("11", "北京市", 39.9, 116.4),
    ("12", "天津市", 39.1, 117.2),
    ("13", "河北省", 38.0, 114.5),
    ("14", "山西省", 37.9, 112.5),
    ("15", "内蒙古自治区", 40.8, 111.7),
    ("21", "辽宁省", 41.8, 123.4),
    ("22", "吉林省", 43.9, 125.3),
    ("23", "黑龙江省", 45.8, 126.5),
    ("31", "上海市", 31.2, 121.5),
    ("32", "江苏省", 32.1, 118.8),
    ("33", "浙江省", 30.3, 120.2),
    ("34", "安徽省", 31.9, 117.3),
    ("35", "福建省", 26.1, 119.3),
    ("36", "江西省", 28.7, 115.9),
    ("37", "山东省", 36.7, 117.0),
    ("41", "河南省", 34.8, 113.7),
    ("42", "湖北省", 30.6, 114.3),
    ("43", "湖南省", 28.2, 112.9),
    ("44", "广东省", 23.1, 113.3),
    ("45", "广西壮族自治区", 22.8, 108.3),
    ("46", "海南省", 20.0, 110.3),
    ("50", "重庆市", 29.6, 106.5),
    ("51", "四川省", 30.7, 104.1),
    ("52", "贵州省", 26.6, 106.7),
    ("53", "云南省", 25.0, 102.7),
    ("54", "西藏自治区", 29.7, 91.1),
    ("61", "陕西省", 34.3, 108.9),
    ("62", "甘肃省", 36.1, 103.8),
    ("63", "青海省", 36.6, 101.8),
    ("64", "宁夏回族自治区", 38.5, 106.3),
    ("65", "新疆维吾尔自治区", 43.8, 87.6),
)


@dataclass(frozen=True)
class Category:
    """A product category: price level, subsidy rule (rate in bp, cap in fen), old-item weight."""

    name: str
    prefix: str
    group: int  # 0 appliance store, 1 digital store, 2 car dealer
    programme: str
    median_yuan: int
    rate_bp: int
    cap_fen: int
    weight_kg: float  # median weight of the recycled old item; 0 = no recycling
    share: float


CATEGORIES: tuple[Category, ...] = (
    Category("refrigerator", "BX", 0, "2025-appliance", 4200, 1500, 200_000, 55.0, 0.14),
    Category("washing_machine", "XY", 0, "2025-appliance", 3200, 1500, 200_000, 60.0, 0.13),
    Category("air_conditioner", "KT", 0, "2025-appliance", 4000, 2000, 200_000, 45.0, 0.16),
    Category("television", "DS", 0, "2025-appliance", 4500, 1500, 200_000, 15.0, 0.13),
    Category("water_heater", "RS", 0, "2025-appliance", 2600, 1500, 200_000, 25.0, 0.07),
    Category("computer", "DN", 1, "2025-appliance", 6000, 1500, 200_000, 8.0, 0.08),
    Category("mobile_phone", "SJ", 1, "2025-digital", 2800, 1500, 50_000, 0.0, 0.22),
    Category("car", "QC", 2, "2025-car-scrap", 150_000, 10_000, 2_000_000, 1300.0, 0.07),
)
MODELS_PER_CATEGORY = 8
GROUP_SHARES = (0.7, 0.2, 0.1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯鑫鹏俊峰波欣怡佳琳晨阳雪梅婷丹宁博涵轩睿泽子晓海林亮志国庆春燕飞云龙"
ROADS = "人民解放中山建设和平新华胜利友谊光明幸福长江黄河文化青年东风朝阳迎宾环城滨江湖滨"


@dataclass
class World:
    """Fixed facts of a synthetic world: merchants, models, counties."""

    rng: np.random.Generator
    n_merchants: int
    merchant_group: np.ndarray
    merchant_weight: np.ndarray
    merchant_county: np.ndarray
    county_code: np.ndarray
    county_lat: np.ndarray
    county_lon: np.ndarray
    merchant_lat: np.ndarray
    merchant_lon: np.ndarray
    model_category: np.ndarray
    model_base_yuan: np.ndarray
    model_popularity: np.ndarray


def make_world(n_claims: int, rng: np.random.Generator) -> World:
    """Counties (12 per province), merchants (one per ~500 claims) and 8 models per category."""
    codes, lats, lons = [], [], []
    for code, _name, lat, lon in PROVINCES:
        for city in range(1, 5):
            for county_no in range(1, 4):
                codes.append(f"{code}{city:02d}{county_no:02d}")
                lats.append(lat + rng.uniform(-1.2, 1.2))
                lons.append(lon + rng.uniform(-1.2, 1.2))
    n_m = max(40, n_claims // 500)
    county = rng.integers(0, len(codes), n_m)
    lat_c, lon_c = np.array(lats), np.array(lons)
    n_models = len(CATEGORIES) * MODELS_PER_CATEGORY
    cat = np.repeat(np.arange(len(CATEGORIES)), MODELS_PER_CATEGORY)
    median = np.array([c.median_yuan for c in CATEGORIES], dtype=float)[cat]
    spread = np.tile(np.linspace(-1.0, 2.7, MODELS_PER_CATEGORY), len(CATEGORIES))
    base = np.round(median * np.exp(0.55 * spread), -1)
    base[cat == 6] = np.minimum(base[cat == 6], 5600)  # phones above 6,000 yuan do not qualify
    return World(
        rng=rng,
        n_merchants=n_m,
        merchant_group=rng.choice(3, n_m, p=GROUP_SHARES),
        merchant_weight=rng.lognormal(0.0, 0.8, n_m),
        merchant_county=county,
        county_code=np.array(codes),
        county_lat=lat_c,
        county_lon=lon_c,
        merchant_lat=lat_c[county] + rng.normal(0, 0.08, n_m),
        merchant_lon=lon_c[county] + rng.normal(0, 0.08, n_m),
        model_category=cat,
        model_base_yuan=base,
        model_popularity=rng.dirichlet(np.full(n_models, 4.0)),
    )


def pick_merchants(world: World, category: np.ndarray) -> np.ndarray:
    """A merchant of the right kind (appliance, digital, car) for each claim, weighted by size."""
    groups = np.array([c.group for c in CATEGORIES])[category]
    out = np.empty(len(category), dtype=np.int64)
    for g in range(3):
        rows = np.flatnonzero(groups == g)
        ms = np.flatnonzero(world.merchant_group == g)
        if len(ms) == 0:  # tiny worlds: fall back to any merchant
            ms = np.arange(world.n_merchants)
        w = world.merchant_weight[ms] / world.merchant_weight[ms].sum()
        out[rows] = world.rng.choice(ms, len(rows), p=w)
    return out


def pick_models(world: World, category: np.ndarray) -> np.ndarray:
    """A model of the given category for each claim, by model popularity."""
    out = np.empty(len(category), dtype=np.int64)
    for c in range(len(CATEGORIES)):
        rows = np.flatnonzero(category == c)
        ms = np.flatnonzero(world.model_category == c)
        w = world.model_popularity[ms] / world.model_popularity[ms].sum()
        out[rows] = world.rng.choice(ms, len(rows), p=w)
    return out


def business_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds of day: store hours 09-22, plus 1 % online traffic at any hour."""
    hour = np.clip(np.round(rng.normal(15.0, 3.0, n)), 9, 21)
    online = rng.random(n) < 0.01
    hour = np.where(online, rng.integers(0, 24, n), hour)
    return (hour * 3600 + rng.integers(0, 3600, n)).astype(np.int64)


def base_rows(world: World, n: int) -> dict[str, np.ndarray]:
    """Legitimate claims: people from a pool, one claim per person and category."""
    rng = world.rng
    pool = max(10, int(n * 0.8))
    person = rng.integers(0, pool, n)
    shares = np.array([c.share for c in CATEGORIES])
    first_cat = rng.choice(len(CATEGORIES), pool, p=shares / shares.sum())
    occ = (
        pl.DataFrame({"p": person})
        .with_columns(o=pl.col("p").cum_count().over("p") - 1)["o"]
        .to_numpy()
    )
    category = (first_cat[person] + occ) % len(CATEGORIES)
    day = np.minimum((rng.random(n) ** 0.9 * DAYS).astype(np.int64), DAYS - 1)
    rows = new_rows(world, category=category, day=day, person=person)
    rows["pool"] = np.full(n, pool)
    return rows


def new_rows(
    world: World,
    *,
    category: np.ndarray,
    day: np.ndarray,
    person: np.ndarray,
    merchant: np.ndarray | None = None,
    seconds: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Code rows for claims of the given people; identity fields all point at the person."""
    n = len(category)
    rng = world.rng
    return {
        "merchant": pick_merchants(world, category) if merchant is None else merchant,
        "day": day.astype(np.int64),
        "sec": business_seconds(rng, n) if seconds is None else seconds,
        "category": category.astype(np.int64),
        "model": pick_models(world, category),
        "price_mult": np.exp(rng.normal(0.0, 0.04, n)),
        "person": person,
        "surname_src": person.copy(),
        "given_src": person.copy(),
        "key_src": person.copy(),
        "phone_src": person.copy(),
        "phone_typo": np.zeros(n, dtype=bool),
        "addr_src": person.copy(),
        "addr_fmt": np.zeros(n, dtype=bool),
        "bank_src": person.copy(),
        "device_src": person.copy(),
        "far": rng.random(n) < 0.0005,
        "weight_mult": np.exp(rng.normal(0.0, 0.18, n)),
        "has_cert": rng.random(n) < 0.7,
        "return_days": np.where(rng.random(n) < 0.005, rng.integers(1, 20, n), -1),
        "keep_paid_on_return": np.zeros(n, dtype=bool),
        "seq_override": np.full(n, -1, dtype=np.int64),
        "copy_from": np.full(n, -1, dtype=np.int64),
        "copy_field": np.zeros(n, dtype=np.int8),
        "label": np.full(n, -1, dtype=np.int8),
    }


def concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Append code rows (same keys) into one set."""
    keys = parts[0].keys()
    return {k: np.concatenate([p[k] for p in parts if k in p]) for k in keys if k != "pool"}


def synthesize(n: int, seed: int, out_path: Path) -> Path:
    """Write ``n`` claims with labelled injected fraud to ``out_path`` (Parquet); return it."""
    from bench import integrity_synth_fraud as synth_fraud  # both build on this module
    from bench import integrity_synth_render as synth_render

    if n < 2000:
        raise ValueError("synthesize needs at least 2000 claims to plant every fraud kind")
    rng = np.random.default_rng(seed)
    world = make_world(n, rng)
    plan = synth_fraud.plan_counts(n, rng)
    base = base_rows(world, n - plan.added_total)
    pool = int(base.pop("pool")[0])
    rows = synth_fraud.inject(world, base, plan, next_person=pool * 2)
    frame = synth_render.render(world, rows)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out_path, compression="lz4", row_group_size=100_000, statistics=True)
    return out_path
