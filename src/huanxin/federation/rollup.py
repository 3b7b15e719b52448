"""The roll-up a deployment publishes to the registry: aggregates, never rows.

Counts and fen per claim state, recycling certificates and their weight, and the queue's
own figures (pending, duplicate). ``huanxin federation publish`` sends today's figures;
the registry keeps the latest publication per province and day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.claims.service import totals
from huanxin.federation.models import KeyState, NationalClaim
from huanxin.federation.service import Federation
from huanxin.recycling.service import certificates


def figures(session: Session) -> dict[str, int]:
    out: dict[str, int] = {}
    for state, (count, fen) in totals.by_state(session).items():
        out[f"claims_{state}"], out[f"subsidy_fen_{state}"] = count, fen
    out["claims"] = sum(v for k, v in out.items() if k.startswith("claims_"))
    issued, used, grams = certificates.issued_totals(session)
    out |= {
        "recycling_certificates": issued,
        "recycling_certificates_used": used,
        "recycling_grams": grams,
    }
    stmt = select(NationalClaim.state, func.count()).group_by(NationalClaim.state)
    counts = dict(session.execute(stmt).all())
    out["national_pending"] = int(counts.get(KeyState.pending.value, 0))
    out["national_duplicate"] = int(counts.get(KeyState.duplicate.value, 0))
    return out


def publish(session: Session, fed: Federation, as_of: date) -> dict[str, int]:
    data = figures(session)
    fed.client.publish(as_of, data)
    return data
