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

    def _window(self, key: str, source: str) -> str:
        w = self.window_days
        return f"""
            SELECT {key} AS key, day, sum(n) OVER w AS rn, sum(s) OVER w AS rs,
                   min(lo) OVER w AS rlo, max(hi) OVER w AS rhi
            FROM {source}
            WINDOW w AS (PARTITION BY {key} ORDER BY day
                         RANGE BETWEEN {w} PRECEDING AND 1 PRECEDING)"""  # noqa: S608

    @staticmethod
    def _floor(r: str) -> str:
        """A lower bound of the log reference of other sellers in window ``r``.

        Others' prices are in the window, so their mean log price is at least the window's
        lowest; and with the merchant's own count in the window at most ``o`` (its count of
        the model over the scanned days), at least ``(sum - o * highest) / (n - o)``.
        """
        tight = f"({r}.rs - mo.o * {r}.rhi) / ({r}.rn - mo.o)"
        return f"""CASE WHEN {r}.rn IS NULL THEN 1e300
                        WHEN mo.o < {r}.rn THEN greatest({r}.rlo, {tight})
                        ELSE {r}.rlo END"""

    def sql(self, scope: Scope) -> str:
        m, w, pct = self.min_reference, self.window_days, self.min_ratio_pct
        # reference sums of other sellers: area total minus the claim's own merchant
        prov_n, prov_s = "(coalesce(prn, 0) - coalesce(o.n, 0))", "(prs - coalesce(o.s, 0))"
        nat_n, nat_s = "(coalesce(nrn, 0) - coalesce(o.n, 0))", "(nrs - coalesce(o.s, 0))"
        history = f"price_fen > 0 AND {scope.after(w + 1)}"
        by_model = (
            "(SELECT k_model, day, sum(n) AS n, sum(s) AS s, min(lo) AS lo, max(hi) AS hi"
            " FROM area GROUP BY k_model, day)"
        )
        return f"""
        WITH area AS MATERIALIZED (
            SELECT k_prov_model, any_value(k_model) AS k_model, day, count(*) AS n,
                   sum(ln(price_fen)) AS s, min(ln(price_fen)) AS lo, max(ln(price_fen)) AS hi
            FROM keys WHERE {history} AND {scope.limit_to_target("k_model")}
            GROUP BY k_prov_model, day
        ),
        rp AS ({self._window("k_prov_model", "area")}),
        rn AS ({self._window("k_model", by_model)}),
        mo AS (
            SELECT k_merchant_model, count(*) AS o FROM keys
            WHERE {history} AND {scope.limit_to_target("k_merchant_model")}
            GROUP BY k_merchant_model
        ),
        cand AS MATERIALIZED (
            -- only claims at least min_ratio_pct % above a lower bound of the reference
            -- can fire; the exact reference is worked out for those alone
            SELECT t.claim_id, t.price_fen, t.model, t.k_merchant_model, t.day,
                   rp.rn AS prn, rp.rs AS prs, rn.rn AS nrn, rn.rs AS nrs
            FROM target_keys t
            LEFT JOIN rp ON rp.key = t.k_prov_model AND rp.day = t.day
            LEFT JOIN rn ON rn.key = t.k_model AND rn.day = t.day
            JOIN mo USING (k_merchant_model)
            WHERE greatest(coalesce(rp.rn, 0), coalesce(rn.rn, 0)) >= {m}
              AND t.price_fen * 100
                  >= {pct} * (exp(least({self._floor("rp")}, {self._floor("rn")})) - 1)
        ),
        own AS (
            SELECT c.k_merchant_model, c.day, count(*) AS n, sum(ln(k.price_fen)) AS s
            FROM (SELECT DISTINCT k_merchant_model, day FROM cand) c
            JOIN keys k ON k.k_merchant_model = c.k_merchant_model
                       AND k.day BETWEEN c.day - {w} AND c.day - 1
            WHERE k.{history}
            GROUP BY c.k_merchant_model, c.day
        ),
        judged AS (
            SELECT claim_id, price_fen, model,
                   CASE WHEN {prov_n} >= {m} THEN '本省' ELSE '全国' END AS area,
                   CASE WHEN {prov_n} >= {m} THEN {prov_n} ELSE {nat_n} END AS refn,
                   CAST(round(exp(CASE WHEN {prov_n} >= {m} THEN {prov_s} / {prov_n}
                                       ELSE {nat_s} / nullif({nat_n}, 0) END)) AS BIGINT)
                       AS ref_fen
            FROM cand LEFT JOIN own o USING (k_merchant_model, day)
        )
        SELECT claim_id, {self.weight} AS score,
               format($template, {yuan_sql("price_fen")}, area, model, {yuan_sql("ref_fen")},
                      CAST(round(100.0 * price_fen / ref_fen - 100) AS INTEGER), refn)
                   AS explanation
        FROM judged
        WHERE refn >= {m} AND price_fen * 100 >= {pct} * ref_fen"""  # noqa: S608


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
        WITH cat AS (  -- counts over all claims (category_at_cap, see huanxin.integrity.keys)
            SELECT category, at_cap / n AS cat_share FROM category_at_cap WHERE n > 0
        ),
        mm AS (
            SELECT c.k_merchant, date_trunc('month', c.claimed_at) AS month, count(*) AS n,
                   avg(CAST(c.subsidy_fen >= c.cap_fen AS INTEGER)) AS share,
                   avg(cat.cat_share) AS expected
            FROM keys c JOIN cat USING (category)
            WHERE {scope.after(40, "c.claimed_at")}
              AND {scope.limit_to_target("k_merchant", alias="c")}
            GROUP BY c.k_merchant, month
            HAVING count(*) >= {self.min_claims} AND share >= {self.min_share}
               AND share - expected >= {self.min_excess}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.merchant_id, strftime(mm.month, '%Y-%m'), mm.n,
                      CAST(round(100 * mm.share) AS INTEGER),
                      CAST(round(100 * mm.expected) AS INTEGER)) AS explanation
        FROM target_keys t
        JOIN mm ON mm.k_merchant = t.k_merchant
               AND mm.month = date_trunc('month', t.claimed_at)
        WHERE t.subsidy_fen >= t.cap_fen"""  # noqa: S608
