"""Failures of the budget ledger, each a fact with a status, a stable code and a Chinese message."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput, NotFound
from huanxin.core.money import yuan_text


class LedgerCode(StrEnum):
    """Stable codes of the ledger's failures (published in OpenAPI as ``LedgerErrorCode``)."""

    BUDGET_EXHAUSTED = "budget_exhausted"
    INSUFFICIENT_BALANCE = "ledger_insufficient_balance"
    POOL_EXISTS = "pool_exists"
    POOL_NOT_FOUND = "pool_not_found"
    INVALID_AMOUNT = "invalid_amount"
    PROGRAMME_NOT_HERE = "programme_not_here"
    SCHEDULE_REFUSED = "schedule_refused"
    BUDGET_OVER_PLAN = "budget_over_plan"
    SALES_PAUSED = "sales_paused"
    POOL_CLOSED = "pool_closed"


def yuan_grouped(amount_fen: int) -> str:
    """Yuan with thousands separators, as budget officers write it: ``120000 -> '1,200.00'``."""
    return yuan_text(amount_fen)


class BudgetExhausted(Conflict):
    """The pool's available balance cannot cover the reservation. Nothing was reserved."""

    code = LedgerCode.BUDGET_EXHAUSTED

    def __init__(self, pool_name: str, *, available_fen: int, needed_fen: int) -> None:
        super().__init__(
            f"预算池「{pool_name}」余额不足：可用{yuan_grouped(available_fen)}元，"
            f"需要{yuan_grouped(needed_fen)}元"
        )
        self.available_fen = available_fen
        self.needed_fen = needed_fen


class InsufficientBalance(Conflict):
    """A commit, release or claw-back asks for more than the pool holds in that account."""

    code = LedgerCode.INSUFFICIENT_BALANCE


class PoolExists(Conflict):
    """A pool for this programme, funding layer and jurisdiction already exists."""

    code = LedgerCode.POOL_EXISTS


class PoolNotFound(NotFound):
    """No budget pool with this id (or not in the caller's jurisdiction)."""

    code = LedgerCode.POOL_NOT_FOUND


class InvalidAmount(InvalidInput):
    """An amount that is not a positive whole number of fen within the limit."""

    code = LedgerCode.INVALID_AMOUNT


class ProgrammeNotHere(InvalidInput):
    """The programme does not exist, does not apply in the pool's jurisdiction, or has no
    version in force in the pool's year: no pool may be opened for it."""

    code = LedgerCode.PROGRAMME_NOT_HERE


class ScheduleRefused(InvalidInput):
    """A release schedule row is invalid (overlap, over the budget, outside the year …);
    the message names the row. Nothing of the schedule was saved."""

    code = LedgerCode.SCHEDULE_REFUSED


class BudgetOverPlan(Conflict):
    """An allocation would take the pool's released money above its year's budget."""

    code = LedgerCode.BUDGET_OVER_PLAN


class SalesPaused(Conflict):
    """Sales of a programme are paused where the buyer is: released money cannot cover the
    next sale, or the office paused them. The message says why and when money comes next."""

    code = LedgerCode.SALES_PAUSED


class PoolClosed(Conflict):
    """The pool's budget year has been closed; its remainder was returned or carried forward."""

    code = LedgerCode.POOL_CLOSED
