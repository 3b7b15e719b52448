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
        return f"""
        WITH md AS MATERIALIZED (
            SELECT k_merchant, day, count(*) AS n FROM keys
            WHERE {scope.after(self.baseline_days + 1)} AND {scope.limit_to_target("k_merchant")}
            GROUP BY k_merchant, day
        ),
        b AS (  -- only days with min_claims or more can fire: their baseline alone is needed
            SELECT h.k_merchant, h.day, h.n, coalesce(avg(p.n), 0) AS base
            FROM (SELECT * FROM md WHERE n >= {self.min_claims}) h
            LEFT JOIN md p ON p.k_merchant = h.k_merchant
                          AND p.day BETWEEN h.day - {self.baseline_days} AND h.day - 1
            GROUP BY h.k_merchant, h.day, h.n
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(t.claimed_at, '%Y-%m-%d'), b.n,
                      {self.baseline_days}, round(b.base, 1),
                      CASE WHEN b.base > 0 THEN round(b.n / b.base, 1) ELSE b.n END) AS explanation
        FROM target_keys t
        JOIN b ON b.k_merchant = t.k_merchant AND b.day = t.day
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
            SELECT k_merchant, date_trunc('hour', claimed_at) AS hr, count(*) AS n FROM keys
            WHERE hour(claimed_at) >= {self.night_from_hour}
              AND hour(claimed_at) < {self.night_to_hour}
              AND {scope.after(1)} AND {scope.limit_to_target("k_merchant")}
            GROUP BY k_merchant, hr HAVING count(*) >= {self.min_claims}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(night.hr, '%Y-%m-%d %H:00'), night.n)
                   AS explanation
        FROM target_keys t
        JOIN night ON night.k_merchant = t.k_merchant
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
        "商户 {0} 有 {1} 张补贴发票号码连续（末 15 位 {2} 至 {3}），中间没有任何其他销售，疑似集中虚开。"
    )
    weight: int = 60
    min_run: int = 6
    sequence_digits: int = 15
    lookback_days: int = 60

    def _rows(self, scope: Scope) -> str:
        """CTEs ending in ``cand``: a merchant's invoices holding every run that matters.

        Full scan: a run of ``min_run`` consecutive numbers either fills an aligned block
        of ``min_run`` numbers or puts at least half of itself in one, so only such blocks
        and their neighbours need the sort that finds the runs. Daily scan: a judged claim
        is in a run of ``min_run`` only if ``min_run`` consecutive numbers lie within
        ``min_run - 1`` of its own, so the stored invoices near the day's numbers tell which
        merchants to sort, and only those are.
        """
        r, past = self.min_run, scope.after(self.lookback_days)
        if scope.full:
            return f"""
        inv AS MATERIALIZED (
            SELECT claim_id, k_merchant, seq, seq // {r} AS blk FROM keys
            WHERE seq IS NOT NULL
        ),
        near AS (
            SELECT DISTINCT k_merchant, blk + d AS blk
            FROM (SELECT k_merchant, blk FROM inv GROUP BY k_merchant, blk
                  HAVING count(*) >= {(r + 1) // 2}) b
            CROSS JOIN (VALUES (-1), (0), (1)) v(d)
        ),
        cand AS (SELECT claim_id, k_merchant, seq FROM inv SEMI JOIN near USING (k_merchant, blk))"""  # noqa: S608
        offsets = ", ".join(f"({d})" for d in range(1 - r, r))
        return f"""
        probe AS (
            SELECT DISTINCT hash(t.k_merchant, t.seq + d) AS h
            FROM target_keys t CROSS JOIN (VALUES {offsets}) v(d) WHERE t.seq IS NOT NULL
        ),
        close AS (
            SELECT k_merchant, seq, seq - row_number() OVER (PARTITION BY k_merchant ORDER BY seq)
                       AS island
            FROM keys
            WHERE seq IS NOT NULL AND {past} AND hash(k_merchant, seq) IN (SELECT h FROM probe)
        ),
        busy AS (
            SELECT DISTINCT k_merchant FROM close
            GROUP BY k_merchant, island HAVING count(*) >= {r}
        ),
        cand AS (
            SELECT claim_id, k_merchant, seq FROM keys
            WHERE seq IS NOT NULL AND {past} AND k_merchant IN (SELECT k_merchant FROM busy)
        )"""  # noqa: S608

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH {self._rows(scope)},
        isl AS (
            SELECT claim_id, k_merchant, seq,
                   seq - row_number() OVER (PARTITION BY k_merchant ORDER BY seq) AS island
            FROM cand
        ),
        runs AS (
            SELECT k_merchant, island, count(*) AS n, min(seq) AS lo, max(seq) AS hi
            FROM isl GROUP BY k_merchant, island HAVING count(*) >= {self.min_run}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, runs.n,
                      lpad(CAST(runs.lo AS VARCHAR), {self.sequence_digits}, '0'),
                      lpad(CAST(runs.hi AS VARCHAR), {self.sequence_digits}, '0')) AS explanation
        FROM isl JOIN runs USING (k_merchant, island)
        JOIN target_keys t ON t.claim_id = isl.claim_id"""  # noqa: S608


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
        return f"""
        WITH mm AS (
            SELECT k_merchant, date_trunc('month', claimed_at) AS month, count(*) AS n,
                   count(*) FILTER (WHERE km > {self.max_km}) AS nf
            FROM keys
            WHERE {scope.after(40)} AND {scope.limit_to_target("k_merchant")}
            GROUP BY k_merchant, month
            HAVING nf >= {self.min_far} AND nf >= {self.min_share} * count(*)
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, CAST(round(t.km) AS INTEGER), t.merchant_id,
                      strftime(mm.month, '%Y-%m'), mm.nf,
                      CAST(round(100.0 * mm.nf / mm.n) AS INTEGER), CAST({self.max_km} AS INTEGER))
                   AS explanation
        FROM target_keys t
        JOIN mm ON mm.k_merchant = t.k_merchant AND mm.month = date_trunc('month', t.claimed_at)
        WHERE t.km > {self.max_km}"""  # noqa: S608
