"""Many subsidised items delivered to one address, and prices above the filed price.

Bulk buying under borrowed identities ships the goods to one warehouse or shop: many
claims, of several identities, with one delivery address (compared as the keyed hash of the
normalised address on database claims). A price above what the manufacturer filed for the
model in the catalogue inflates the subsidy, which is a share of the price (issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope, yuan_sql


@dataclass(frozen=True)
class BulkDelivery(Detector):
    """Fires on claims delivered to an address that receives many items of many people."""

    name: ClassVar[str] = "bulk_delivery"
    kind: ClassVar[str] = "bulk_delivery"
    title: ClassVar[str] = "多件补贴商品送往同一地址"
    template: ClassVar[str] = (
        "同一送货地址收到 {0} 件补贴商品，涉及 {1} 个不同身份，疑似借用他人资格批量购买。"
    )
    weight: int = 60
    min_items: int = 8
    min_people: int = 3

    def repeats(self) -> dict[str, int]:
        return {"addr_key": self.min_items}

    def sql(self, scope: Scope) -> str:
        del scope  # repeated_addr_key holds only the judged claims' addresses in a daily scan
        return f"""
        WITH g AS (
            SELECT addr_key AS key, count(*) AS n, count(DISTINCT ck) AS people
            FROM keys
            WHERE addr_key IN (SELECT v FROM repeated_addr_key)
              AND status NOT IN ('rejected', 'cancelled')
            GROUP BY addr_key
            HAVING count(*) >= {self.min_items} AND count(DISTINCT ck) >= {self.min_people}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, g.n, g.people) AS explanation
        FROM target_keys t JOIN g ON t.addr_key = g.key"""  # noqa: S608


@dataclass(frozen=True)
class AboveFiledPrice(Detector):
    """Fires on a sale priced above the model's filed price by more than ``tolerance``."""

    name: ClassVar[str] = "above_filed_price"
    kind: ClassVar[str] = "above_filed_price"
    title: ClassVar[str] = "成交价高于备案价"
    template: ClassVar[str] = (
        "成交价 {0} 元高于该型号备案价 {1} 元的 {2}%（允许上浮 {3}%），疑似抬价套取补贴。"
    )
    weight: int = 50
    tolerance_pct: int = 10

    def sql(self, scope: Scope) -> str:
        del scope
        limit = 100 + self.tolerance_pct
        return f"""
        SELECT claim_id, {self.weight} AS score,
               format($template, {yuan_sql("price_fen")}, {yuan_sql("filed_price_fen")},
                      CAST(100 * price_fen // filed_price_fen AS BIGINT),
                      {self.tolerance_pct}) AS explanation
        FROM target_keys
        WHERE filed_price_fen > 0 AND price_fen * 100 > filed_price_fen * {limit}"""  # noqa: S608
