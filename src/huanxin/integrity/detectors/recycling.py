"""Implausible recycling weights: the old item handed in cannot be what the category says.

Farm-machinery and scrappage cases (national-rules.md §3) pass shells, parts or other goods
off as the old item. A weight far below or above the category's median betrays it. The median
is taken from the count of items per weight (``category_weights``), which a daily scan gets
from the stored history's counts plus the new claims', exactly as ``median()`` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope, category_label_sql


@dataclass(frozen=True)
class ImplausibleWeight(Detector):
    """Fires when the recycled weight is outside [low, high] × the category median."""

    name: ClassVar[str] = "implausible_weight"
    kind: ClassVar[str] = "implausible_weight"
    title: ClassVar[str] = "回收重量异常"
    template: ClassVar[str] = (
        "回收旧{0}重 {1} 千克，同品类中位数为 {2} 千克，偏离超过正常范围（{3}–{4} 倍）。"
    )
    weight: int = 50
    low_ratio: float = 0.35
    high_ratio: float = 3.0

    def sql(self, scope: Scope) -> str:
        return f"""
        WITH h AS (  -- how many items weighed each weight (category_weights, all claims)
            SELECT category, w, n, sum(n) OVER (PARTITION BY category ORDER BY w) AS upto,
                   sum(n) OVER (PARTITION BY category) AS total
            FROM category_weights WHERE {scope.limit_to_target("category")}
        ),
        mid AS (  -- the middle weights: rows upto - n .. upto - 1 in weight order weigh w
            SELECT category,
                   max(w) FILTER (WHERE upto - n <= (total - 1) // 2 AND (total - 1) // 2 < upto)
                       AS lo,
                   max(w) FILTER (WHERE upto - n <= total // 2 AND total // 2 < upto) AS hi
            FROM h GROUP BY category
        ),
        m AS (SELECT category, lo + (hi - lo) * 0.5 AS med FROM mid)  -- = median()
        SELECT t.claim_id, {self.weight} AS score,
               format($template, {category_label_sql("t.category")}, round(t.recycled_weight_kg, 1), round(m.med, 1),
                      {self.low_ratio}, {self.high_ratio}) AS explanation
        FROM target_keys t JOIN m USING (category)
        WHERE t.recycled_weight_kg < {self.low_ratio} * m.med
           OR t.recycled_weight_kg > {self.high_ratio} * m.med"""  # noqa: S608
