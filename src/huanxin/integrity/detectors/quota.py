"""Quota trading: many people's subsidies paid to one account or redeemed from one device.

Voucher-resale cases (Shanghai, Jiangmen; national-rules.md §3): brokers buy people's
quotas and redeem them themselves. Households share little beyond an address, so five or
more distinct identities behind one account or device is the signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from huanxin.integrity.detectors.base import Detector, Scope


@dataclass(frozen=True)
class _SharedKey(Detector):
    column: ClassVar[str]  # hashed key column of ``keys``; ``{column}_tail`` is its text tail
    min_people: int = 5

    def repeats(self) -> dict[str, int]:
        return {self.column: self.min_people}

    def sql(self, scope: Scope) -> str:
        col = self.column
        return f"""
        WITH g AS (
            SELECT {col} AS key, count(DISTINCT ck) AS people, count(*) AS n
            FROM keys WHERE {col} IN (SELECT v FROM repeated_{col})
            GROUP BY {col}
            HAVING count(DISTINCT ck) >= {self.min_people}
        )
        SELECT t.claim_id, {self.weight} AS score,
               format($template, t.{col}_tail, g.people, g.n) AS explanation
        FROM target_keys t JOIN g ON t.{col} = g.key"""  # noqa: S608


@dataclass(frozen=True)
class SharedBankAccount(_SharedKey):
    """Fires on claims paid to an account that receives subsidies of many identities."""

    name: ClassVar[str] = "shared_bank_account"
    kind: ClassVar[str] = "quota_trading_bank"
    title: ClassVar[str] = "多人补贴汇入同一账户"
    column: ClassVar[str] = "bank"
    template: ClassVar[str] = (
        "收款账户（尾号 {0}）收到 {1} 个不同身份的 {2} 笔补贴，疑似收购他人补贴资格。"
    )
    weight: int = 70


@dataclass(frozen=True)
class SharedDevice(_SharedKey):
    """Fires on claims redeemed from a device used by many identities."""

    name: ClassVar[str] = "shared_device"
    kind: ClassVar[str] = "quota_trading_device"
    title: ClassVar[str] = "多人资格同一设备核销"
    column: ClassVar[str] = "device"
    template: ClassVar[str] = (
        "核销设备（尾号 {0}）为 {1} 个不同身份核销了 {2} 笔补贴，疑似代领、倒卖补贴资格。"
    )
    weight: int = 60
