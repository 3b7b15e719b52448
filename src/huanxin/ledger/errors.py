"""Failures of the budget ledger, each a fact with a status, a stable code and a Chinese message."""

from __future__ import annotations

from huanxin.core.errors import Conflict, InvalidInput, NotFound


def yuan_grouped(amount_fen: int) -> str:
    """Yuan with thousands separators, as budget officers write it: ``120000 -> '1,200.00'``."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class BudgetExhausted(Conflict):
    """The pool's available balance cannot cover the reservation. Nothing was reserved."""

    code = "budget_exhausted"

    def __init__(self, pool_name: str, *, available_fen: int, needed_fen: int) -> None:
        super().__init__(
            f"预算池「{pool_name}」余额不足：可用{yuan_grouped(available_fen)}元，"
            f"需要{yuan_grouped(needed_fen)}元"
        )
        self.available_fen = available_fen
        self.needed_fen = needed_fen


class InsufficientBalance(Conflict):
    """A commit, release or claw-back asks for more than the pool holds in that account."""

    code = "ledger_insufficient_balance"


class PoolExists(Conflict):
    code = "pool_exists"


class PoolNotFound(NotFound):
    code = "pool_not_found"


class InvalidAmount(InvalidInput):
    code = "invalid_amount"
