"""Yearly totals of paid trade-in claims, for indicators other domains compute.

Supervision's indicator actuals (``huanxin.supervision.computed``) read them here rather
than querying the claims tables themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim


def paid_totals(
    session: Session,
    *,
    jurisdiction_codes: Iterable[str],
    year: int,
    categories: Iterable[str] | None = None,
) -> tuple[int, int]:
    """``(claims, subsidy_fen)`` of the claims paid for purchases made in ``year``.

    Counted over the given jurisdiction codes and, if given, only those categories.
    """
    stmt = select(func.count(Claim.id), func.coalesce(func.sum(Claim.subsidy_fen), 0)).where(
        Claim.state == "paid",
        Claim.jurisdiction_code.in_(sorted(set(jurisdiction_codes))),
        Claim.purchase_date >= date(year, 1, 1),
        Claim.purchase_date <= date(year, 12, 31),
    )
    if categories is not None:
        stmt = stmt.where(Claim.category.in_(sorted(set(categories))))
    count, subsidy = session.execute(stmt).one()
    return int(count), int(subsidy)


def by_state(session: Session) -> dict[str, tuple[int, int]]:
    """``{state: (claims, subsidy_fen)}`` over every claim of the deployment (roll-up)."""
    stmt = select(Claim.state, func.count(Claim.id), func.coalesce(func.sum(Claim.subsidy_fen), 0))
    rows = session.execute(stmt.group_by(Claim.state)).all()
    return {state: (int(n), int(fen)) for state, n, fen in rows}
