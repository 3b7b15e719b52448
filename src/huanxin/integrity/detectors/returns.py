"""Returns: goods returned after the subsidy was paid, and repeated buy-return cycles.

Yunnan audit (national-rules.md §3): staff and relatives "bought" in store with no goods
delivered, then returned them. Returns still consume quota, and a return after payment must
claw the subsidy back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope, category_label_sql, yuan_sql


@dataclass(frozen=True)
class ReturnAfterSubsidy(Detector):
    """Fires when a claim is returned but its subsidy is still counted as paid."""

    name: ClassVar[str] = "return_after_subsidy"
    kind: ClassVar[str] = "return_after_subsidy"
    title: ClassVar[str] = "退货未退补贴"
    template: ClassVar[str] = (
        "商品已于 {0} 退货（购买后 {1} 天），但 {2} 元补贴仍为已支付状态，未追回。"
    )
    weight: int = 90
    paid_statuses: tuple[str, ...] = ("paid",)

    def sql(self, scope: Scope) -> str:
        statuses = ", ".join(f"'{s}'" for s in self.paid_statuses)
        return f"""
        SELECT claim_id, {self.weight} AS score,
               format($template, strftime(returned_at, '%Y-%m-%d'),
                      date_diff('day', claimed_at, returned_at), {yuan_sql("subsidy_fen")})
                   AS explanation
        FROM target_keys
        WHERE returned_at IS NOT NULL AND status IN ({statuses})"""  # noqa: S608


@dataclass(frozen=True)
class BuyReturnCycle(Detector):
    """Fires on all claims of one identity and category that returned goods repeatedly."""

    name: ClassVar[str] = "buy_return_cycle"
    kind: ClassVar[str] = "buy_return_cycle"
    title: ClassVar[str] = "反复购买退货"
    template: ClassVar[str] = (
        "同一身份在“{0}”品类共 {1} 笔申领、{2} 次退货（{3} 至 {4}），疑似买了退、退了再买的刷单循环。"
    )
    weight: int = 70
    min_returns: int = 2

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH cycling AS (
            SELECT ck, category FROM keys
            WHERE returned_at IS NOT NULL AND ck IS NOT NULL AND {scope.limit_to_target("ck")}
            GROUP BY ck, category HAVING count(*) >= {self.min_returns}
        ),
        g AS (
            SELECT ck, category, count(*) AS n, count(returned_at) AS r,
                   min(claimed_at) AS first_at, max(claimed_at) AS last_at
            FROM keys SEMI JOIN cycling USING (ck, category)
            GROUP BY ck, category
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, {category_label_sql("g.category")}, g.n, g.r,
                      strftime(g.first_at, '%Y-%m-%d'), strftime(g.last_at, '%Y-%m-%d'))
                   AS explanation
        FROM target_keys t JOIN g USING (ck, category)"""  # noqa: S608
