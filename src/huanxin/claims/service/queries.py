"""Read-only queries other domains make of claims, answered as plain data (the claims tables
stay the claims domain's own)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim


@dataclass(frozen=True)
class ClaimOwner:
    """Whose claim it is: the jurisdiction and, for a point-of-sale claim, the merchant."""

    jurisdiction_code: str
    merchant_org_id: int | None


def owners(session: Session, claim_ids: Iterable[int]) -> dict[int, ClaimOwner]:
    """The owner of each of ``claim_ids`` that exists."""
    ids = sorted(set(claim_ids))
    found: dict[int, ClaimOwner] = {}
    for start in range(0, len(ids), 900):
        stmt = select(Claim.id, Claim.jurisdiction_code, Claim.merchant_org_id).where(
            Claim.id.in_(ids[start : start + 900])
        )
        for claim_id, code, merchant in session.execute(stmt):
            found[int(claim_id)] = ClaimOwner(code, merchant)
    return found
