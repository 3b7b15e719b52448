"""Implausible recycling weights: the old item handed in cannot be what the category says.

Farm-machinery and scrappage cases (national-rules.md §3) pass shells, parts or other goods
off as the old item. A weight far below or above the category's median betrays it.
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
        WITH m AS (
            SELECT category, median(recycled_weight_kg) AS med
            FROM keys
            WHERE recycled_weight_kg IS NOT NULL AND {scope.limit_to_target("category")}
            GROUP BY category
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, {category_label_sql("t.category")}, round(t.recycled_weight_kg, 1), round(m.med, 1),
                      {self.low_ratio}, {self.high_ratio}) AS explanation
        FROM target_keys t JOIN m USING (category)
        WHERE t.recycled_weight_kg < {self.low_ratio} * m.med
           OR t.recycled_weight_kg > {self.high_ratio} * m.med"""  # noqa: S608
