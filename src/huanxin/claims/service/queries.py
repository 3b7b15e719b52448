"""Read-only queries other domains make of claims, answered as plain data (the claims tables
stay the claims domain's own)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim
from huanxin.claims.service import common
from huanxin.core.actor import Actor

__all__ = [
    "Claim",
    "ClaimOwner",
    "by_ids",
    "count",
    "ids_in",
    "owners",
    "related",
    "serials",
    "state_counts",
]


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


def by_ids(session: Session, claim_ids: Iterable[int]) -> dict[int, Claim]:
    """The claims among ``claim_ids`` that exist, by id."""
    ids = sorted(set(claim_ids))
    found: dict[int, Claim] = {}
    for start in range(0, len(ids), 900):
        stmt = select(Claim).where(Claim.id.in_(ids[start : start + 900]))
        found.update((c.id, c) for c in session.scalars(stmt))
    return found


def ids_in(jurisdiction_codes: Iterable[str]) -> Select[int]:
    """A subquery of the ids of the claims filed in ``jurisdiction_codes``."""
    return select(Claim.id).where(Claim.jurisdiction_code.in_(list(jurisdiction_codes)))


def state_counts(session: Session, *, merchant_org_id: int) -> dict[str, int]:
    """How many of the merchant's claims are in each state."""
    stmt = (
        select(Claim.state, func.count())
        .where(Claim.merchant_org_id == merchant_org_id)
        .group_by(Claim.state)
    )
    return {state: int(n) for state, n in session.execute(stmt).all()}


def related(session: Session, actor: Actor, claim: Claim, *, limit: int = 20) -> list[Claim]:
    """Other claims in scope sharing the person, serial, invoice or recycling certificate."""
    keys = [Claim.person_key == claim.person_key]
    for column, value in (
        (Claim.device_serial, claim.device_serial),
        (Claim.invoice_no, claim.invoice_no),
        (Claim.recycling_cert_no, claim.recycling_cert_no),
    ):
        if value:
            keys.append(column == value)
    stmt = common.readable(actor).where(Claim.id != claim.id, or_(*keys))
    return list(session.scalars(stmt.order_by(Claim.id).limit(limit)))


def serials(session: Session, *, prefix: str) -> list[tuple[int, str]]:
    """Each claim whose device serial starts with ``prefix``: its id and serial."""
    stmt = select(Claim.id, Claim.device_serial).where(Claim.device_serial.like(f"{prefix}%"))
    return [(int(i), str(s)) for i, s in session.execute(stmt)]


def count(session: Session) -> int:
    """How many claims there are."""
    return int(session.scalar(select(func.count()).select_from(Claim)) or 0)
