"""Merchant anomalies: spikes, night bursts, sequential invoices, far redemptions.

Fake sales at colluding or ghost merchants (Yunnan, Chongqing, Shanghai voucher cases;
IP/location spoofing; national-rules.md §3) leave traces in the store's own pattern: a day
far above its usual volume, a burst of redemptions at night, a batch of invoices issued one
after another with nothing in between, coupons redeemed hundreds of kilometres away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope

DAY_NO = "date_diff('day', DATE '2000-01-01', CAST({c} AS DATE))"


def haversine_km_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """SQL great-circle distance in km between two WGS84 points."""
    return (
        f"2 * 6371.0 * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))"
    )


@dataclass(frozen=True)
class MerchantSpike(Detector):
    """Fires on a merchant-day with ≥ ``min_claims`` and ≥ ``factor`` × its recent daily mean."""

    name: ClassVar[str] = "merchant_spike"
    kind: ClassVar[str] = "merchant_spike"
    title: ClassVar[str] = "商户申领量突增"
    template: ClassVar[str] = "商户 {0} 在 {1} 当天申领 {2} 笔，是此前 {3} 天日均 {4} 笔的 {5} 倍。"
    weight: int = 40
    min_claims: int = 25
    factor: float = 5.0
    baseline_days: int = 28

    def sql(self, scope: Scope) -> str:
        day = DAY_NO.format(c="claimed_at")
        return f"""
        WITH md AS (
            SELECT merchant_id, {day} AS day, count(*) AS n FROM claims
            WHERE {scope.after(self.baseline_days + 1)} AND {scope.limit_to_target("merchant_id")}
            GROUP BY ALL
        ),
        b AS (
            SELECT merchant_id, day, n, coalesce(avg(n) OVER w, 0) AS base FROM md
            WINDOW w AS (PARTITION BY merchant_id ORDER BY day
                         RANGE BETWEEN {self.baseline_days} PRECEDING AND 1 PRECEDING)
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(t.claimed_at, '%Y-%m-%d'), b.n,
                      {self.baseline_days}, round(b.base, 1),
                      CASE WHEN b.base > 0 THEN round(b.n / b.base, 1) ELSE b.n END) AS explanation
        FROM target_claims t
        JOIN b ON b.merchant_id = t.merchant_id AND b.day = {DAY_NO.format(c="t.claimed_at")}
        WHERE b.n >= {self.min_claims} AND b.n >= {self.factor} * b.base"""  # noqa: S608


@dataclass(frozen=True)
class AfterHoursBurst(Detector):
    """Fires on ≥ ``min_claims`` redemptions at one merchant within one night hour."""

    name: ClassVar[str] = "after_hours_burst"
    kind: ClassVar[str] = "after_hours_burst"
    title: ClassVar[str] = "非营业时间集中核销"
    template: ClassVar[str] = "商户 {0} 在 {1} 这一小时内（非营业时间）集中核销 {2} 笔。"
    weight: int = 50
    night_from_hour: int = 0
    night_to_hour: int = 6
    min_claims: int = 5

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH night AS (
            SELECT merchant_id, date_trunc('hour', claimed_at) AS hr, count(*) AS n FROM claims
            WHERE hour(claimed_at) >= {self.night_from_hour}
              AND hour(claimed_at) < {self.night_to_hour}
              AND {scope.after(1)} AND {scope.limit_to_target("merchant_id")}
            GROUP BY ALL HAVING count(*) >= {self.min_claims}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(night.hr, '%Y-%m-%d %H:00'), night.n)
                   AS explanation
        FROM target_claims t
        JOIN night ON night.merchant_id = t.merchant_id
                  AND night.hr = date_trunc('hour', t.claimed_at)"""  # noqa: S608


@dataclass(frozen=True)
class SequentialInvoices(Detector):
    """Fires on runs of ≥ ``min_run`` consecutive invoice numbers at one merchant.

    A store also issues invoices for sales without subsidy, so its subsidised invoices
    normally leave gaps; an unbroken run is a batch made up at once. The last 15 digits of
    the e-invoice number are the issuer's running sequence. An incremental scan looks back
    ``lookback_days`` for the rest of a run.
    """

    name: ClassVar[str] = "sequential_invoice"
    kind: ClassVar[str] = "sequential_invoice"
    title: ClassVar[str] = "发票号码连号"
    template: ClassVar[str] = (
        "商户 {0} 有 {1} 张补贴发票号码连续（{2} 至 {3}），中间没有任何其他销售，疑似集中虚开。"
    )
    weight: int = 60
    min_run: int = 6
    sequence_digits: int = 15
    lookback_days: int = 60

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH inv AS (
            SELECT claim_id, merchant_id, invoice_no,
                   TRY_CAST(right(invoice_no, {self.sequence_digits}) AS BIGINT) AS seq
            FROM claims
            WHERE {scope.after(self.lookback_days)} AND {scope.limit_to_target("merchant_id")}
        ),
        isl AS (
            SELECT claim_id, merchant_id, invoice_no,
                   seq - row_number() OVER (PARTITION BY merchant_id ORDER BY seq) AS island
            FROM inv WHERE seq IS NOT NULL
        ),
        runs AS (
            SELECT merchant_id, island, count(*) AS n,
                   min(invoice_no) AS lo, max(invoice_no) AS hi
            FROM isl GROUP BY ALL HAVING count(*) >= {self.min_run}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, runs.merchant_id, runs.n, runs.lo, runs.hi) AS explanation
        FROM isl JOIN runs USING (merchant_id, island)
        JOIN target_claims t ON t.claim_id = isl.claim_id"""  # noqa: S608


@dataclass(frozen=True)
class FarRedemption(Detector):
    """Fires on far redemptions of a merchant-month that has many of them."""

    name: ClassVar[str] = "far_redemption"
    kind: ClassVar[str] = "far_redemption"
    title: ClassVar[str] = "异地核销"
    template: ClassVar[str] = (
        "核销地点距门店 {0} 千米；商户 {1} 在 {2} 共有 {3} 笔（占 {4}%）核销发生在 {5} 千米以外。"
    )
    weight: int = 50
    max_km: float = 50.0
    min_far: int = 3
    min_share: float = 0.2

    def sql(self, scope: Scope) -> str:
        dist = haversine_km_sql("merchant_lat", "merchant_lon", "redeem_lat", "redeem_lon")
        return f"""
        WITH d AS (
            SELECT claim_id, merchant_id, date_trunc('month', claimed_at) AS month,
                   {dist} AS km
            FROM claims
            WHERE {scope.after(40)} AND {scope.limit_to_target("merchant_id")}
        ),
        mm AS (
            SELECT merchant_id, month, count(*) AS n,
                   count(*) FILTER (WHERE km > {self.max_km}) AS nf
            FROM d GROUP BY ALL
            HAVING nf >= {self.min_far} AND nf >= {self.min_share} * count(*)
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, CAST(round(d.km) AS INTEGER), mm.merchant_id,
                      strftime(mm.month, '%Y-%m'), mm.nf,
                      CAST(round(100.0 * mm.nf / mm.n) AS INTEGER), CAST({self.max_km} AS INTEGER))
                   AS explanation
        FROM target_claims t JOIN d ON d.claim_id = t.claim_id
        JOIN mm ON mm.merchant_id = d.merchant_id AND mm.month = d.month
        WHERE d.km > {self.max_km}"""  # noqa: S608
