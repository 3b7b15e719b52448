"""The public budget notice (no login): for a place, each programme funded there this year,
whether sales are open or paused and why, the money left and the next release.

A programme's figures add up its pools on the place's path (the place's own and those of the
jurisdictions above it); it is paused when any of them is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.ledger import periods
from huanxin.ledger.models import Pool, Tranche
from huanxin.ledger.pausing import AUTO_REASON, MANUAL
from huanxin.ledger.pools import pool_balances
from huanxin.policy import service as policies


@dataclass
class ProgrammeBoard:
    programme_id: str
    title: str
    paused: bool
    reason: str
    available_fen: int
    next_release_on: date | None
    next_release_fen: int


def _title(session: Session, pool: Pool) -> str:
    programme = periods.version_for(
        session,
        programme_id=pool.programme_id,
        jurisdiction_code=pool.jurisdiction_code,
        year=pool.period_year,
    )
    return programme.title


def board(session: Session, code: str, *, year: int) -> list[ProgrammeBoard]:
    """The notice rows for ``code`` in budget year ``year``, by programme title."""
    path = policies.path_of(session, code)
    pools = session.scalars(
        select(Pool)
        .where(Pool.jurisdiction_code.in_(path), Pool.period_year == year)
        .order_by(Pool.id)
    )
    rows: dict[str, ProgrammeBoard] = {}
    for pool in pools:
        row = rows.setdefault(
            pool.programme_id,
            ProgrammeBoard(pool.programme_id, _title(session, pool), False, "", 0, None, 0),
        )
        row.available_fen += pool_balances(session, pool.id).available
        if pool.paused_by and not row.paused:
            row.paused = True
            row.reason = pool.pause_reason if pool.paused_by == MANUAL else AUTO_REASON
        _next(session, pool.id, row)
    return sorted(rows.values(), key=lambda r: r.title)


def _next(session: Session, pool_id: int, row: ProgrammeBoard) -> None:
    upcoming = session.scalars(
        select(Tranche)
        .where(Tranche.pool_id == pool_id, Tranche.released_at.is_(None))
        .order_by(Tranche.starts_on)
        .limit(1)
    ).first()
    if upcoming is None:
        return
    if row.next_release_on is None or upcoming.starts_on < row.next_release_on:
        row.next_release_on, row.next_release_fen = upcoming.starts_on, upcoming.amount_fen
    elif upcoming.starts_on == row.next_release_on:
        row.next_release_fen += upcoming.amount_fen
