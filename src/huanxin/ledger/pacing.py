"""The budget's rhythm, run by the ``budget_pacing`` job: close the budget years that have
ended (``yearend``), release the tranches whose day has come, pause the pools that cannot
cover the next sale and resume those whose money arrived, then raise the day's forecast
alerts. One transaction; safe to run twice (a tranche is released once, a pause is set once,
an alert is raised once a day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core.audit import SYSTEM
from huanxin.ledger import forecast, pausing, tranches, yearend
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Pool


@dataclass
class PacingRun:
    released: int = 0
    released_fen: int = 0
    paused: int = 0
    resumed: int = 0
    alerts: int = 0
    closed: int = 0

    def text(self) -> str:
        return (
            f"下达资金 {self.released} 批，合计 {yuan_grouped(self.released_fen)} 元；"
            f"暂停 {self.paused} 个预算池，恢复 {self.resumed} 个；新预警 {self.alerts} 条；年度结账 {self.closed} 个"
        )

    def figures(self) -> dict[str, int]:
        return {
            "released": self.released,
            "released_fen": self.released_fen,
            "paused": self.paused,
            "resumed": self.resumed,
            "alerts": self.alerts,
            "closed": self.closed,
        }


def run(session: Session, *, today: date, alerts: bool = True) -> PacingRun:
    """Release what is due by ``today`` (China time), then pause or resume every open pool
    of the running budget years by its money, and raise today's alerts."""
    result = PacingRun()
    result.closed = len(yearend.close_ended(session, SYSTEM, today=today))
    for tranche in tranches.release_due(session, SYSTEM, today=today):
        result.released += 1
        result.released_fen += tranche.amount_fen
    stmt = select(Pool).where(Pool.closed_at.is_(None), Pool.period_year <= today.year)
    for pool in list(session.scalars(stmt.order_by(Pool.id))):
        change = pausing.evaluate(session, SYSTEM, pool.id)
        result.paused += change == "paused"
        result.resumed += change == "resumed"
        if alerts:
            result.alerts += forecast.raise_alerts(session, pool, today=today)
    return result
