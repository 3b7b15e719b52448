"""Prices: inflated against the regional reference, and merchants that max out the cap.

"Price raised before the discount" (Beijing, Hainan, Hebei, Chongqing audits;
national-rules.md §3). The reference of a claim is the geometric mean price of the same
model sold by other merchants in the same province over the 30 days before the claim's day
(a merchant cannot set its own reference); a province with too few such sales falls back to
the national reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope, yuan_sql

DAY_NO = "date_diff('day', DATE '2000-01-01', CAST(claimed_at AS DATE))"


@dataclass(frozen=True)
class PriceInflation(Detector):
    """Fires when price ≥ ``min_ratio_pct`` % of the reference, with at least ``min_reference`` sales."""

    name: ClassVar[str] = "price_inflation"
    kind: ClassVar[str] = "price_inflation"
    title: ClassVar[str] = "虚抬售价"
    template: ClassVar[str] = (
        "成交价 {0} 元，比{1}同型号 {2} 前 30 天参考价 {3} 元高 {4}%（参考 {5} 笔），"
        "疑似先涨价后补贴。"
    )
    weight: int = 60
    min_ratio_pct: int = 120
    min_reference: int = 20
    window_days: int = 30

    def _window(self, keys: str, source: str) -> str:
        w = self.window_days
        return f"""
            SELECT {keys}, day, sum(n) OVER w AS rn, sum(s) OVER w AS rs
            FROM (SELECT {keys}, day, sum(n) AS n, sum(s) AS s FROM {source} GROUP BY ALL)
            WINDOW w AS (PARTITION BY {keys} ORDER BY day
                         RANGE BETWEEN {w} PRECEDING AND 1 PRECEDING)"""  # noqa: S608

    def sql(self, scope: Scope) -> str:
        day_t = DAY_NO.replace("claimed_at", "t.claimed_at")
        m = self.min_reference
        # reference sums of other sellers: area total minus the claim's own merchant
        prov_n, prov_s = "(coalesce(rp.rn, 0) - coalesce(ro.rn, 0))", "(rp.rs - coalesce(ro.rs, 0))"
        nat_n, nat_s = "(coalesce(rn.rn, 0) - coalesce(ro.rn, 0))", "(rn.rs - coalesce(ro.rs, 0))"
        return f"""
        WITH fine AS (
            SELECT substr(jurisdiction_code, 1, 2) AS prov, model, merchant_id, {DAY_NO} AS day,
                   count(*) AS n, sum(ln(price_fen)) AS s
            FROM claims
            WHERE price_fen > 0 AND {scope.after(self.window_days + 1)}
              AND {scope.limit_to_target("model")}
            GROUP BY ALL
        ),
        rp AS ({self._window("prov, model", "fine")}),
        rn AS ({self._window("model", "fine")}),
        ro AS ({self._window("merchant_id, model", "fine")}),
        judged AS (
            SELECT t.claim_id, t.price_fen, t.model,
                   CASE WHEN {prov_n} >= {m} THEN '本省' ELSE '全国' END AS area,
                   CASE WHEN {prov_n} >= {m} THEN {prov_n} ELSE {nat_n} END AS refn,
                   CAST(round(exp(CASE WHEN {prov_n} >= {m} THEN {prov_s} / {prov_n}
                                       ELSE {nat_s} / nullif({nat_n}, 0) END)) AS BIGINT)
                       AS ref_fen
            FROM target_claims t
            LEFT JOIN rp ON rp.prov = substr(t.jurisdiction_code, 1, 2) AND rp.model = t.model
                        AND rp.day = {day_t}
            LEFT JOIN rn ON rn.model = t.model AND rn.day = {day_t}
            LEFT JOIN ro ON ro.merchant_id = t.merchant_id AND ro.model = t.model
                        AND ro.day = {day_t}
        )
        SELECT claim_id, {self.weight} AS score,
               format($template, {yuan_sql("price_fen")}, area, model, {yuan_sql("ref_fen")},
                      CAST(round(100.0 * price_fen / ref_fen - 100) AS INTEGER), refn)
                   AS explanation
        FROM judged
        WHERE refn >= {m} AND price_fen * 100 >= {self.min_ratio_pct} * ref_fen"""  # noqa: S608


@dataclass(frozen=True)
class CapShare(Detector):
    """Fires on at-cap claims of a merchant-month whose at-cap share is far above normal.

    The normal share is that of the same categories over all merchants, so a car dealer
    (always at the fixed amount) or a phone shop (cap reached at 3,334 yuan) is not odd.
    """

    name: ClassVar[str] = "cap_share"
    kind: ClassVar[str] = "cap_share"
    title: ClassVar[str] = "补贴顶格比例异常"
    template: ClassVar[str] = (
        "商户 {0} 在 {1} 的 {2} 笔申领中有 {3}% 按补贴上限申领，同品类正常约为 {4}%。"
    )
    weight: int = 40
    min_claims: int = 15
    min_share: float = 0.6
    min_excess: float = 0.35

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH cat AS (
            SELECT category, avg(CAST(subsidy_fen >= cap_fen AS INTEGER)) AS cat_share
            FROM claims GROUP BY category
        ),
        mm AS (
            SELECT c.merchant_id, date_trunc('month', c.claimed_at) AS month, count(*) AS n,
                   avg(CAST(c.subsidy_fen >= c.cap_fen AS INTEGER)) AS share,
                   avg(cat.cat_share) AS expected
            FROM claims c JOIN cat USING (category)
            WHERE {scope.after(40, "c.claimed_at")}
              AND {scope.limit_to_target("merchant_id", alias="c")}
            GROUP BY ALL
            HAVING count(*) >= {self.min_claims} AND share >= {self.min_share}
               AND share - expected >= {self.min_excess}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(mm.month, '%Y-%m'), mm.n,
                      CAST(round(100 * mm.share) AS INTEGER),
                      CAST(round(100 * mm.expected) AS INTEGER)) AS explanation
        FROM target_claims t
        JOIN mm ON mm.merchant_id = t.merchant_id
               AND mm.month = date_trunc('month', t.claimed_at)
        WHERE t.subsidy_fen >= t.cap_fen"""  # noqa: S608
