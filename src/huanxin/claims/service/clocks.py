"""Statutory clocks (办理时限): each claim's accept, review and pay deadlines.

A programme declares its limits in its ``review`` block (the car programmes: accept 3, review
15, pay 30, in working days). A claim runs under the tightest limit of the programme versions
it was computed under. The clocks:

- accept (受理): from the day an application is filed to the office's acceptance; a review
  decision taken first accepts it too. A point-of-sale claim is accepted at the till, so it
  has no accept clock.
- review (审核): from acceptance to the first decision (approved or rejected; for a point-of-
  sale claim, its verification).
- pay (拨付): from approval to the bank's confirmation of the payment.

Days are counted on the official calendar (core/workdays.py: holidays and 调休 make-up
workdays); a period in calendar days that ends on a rest day ends on the next working day.
Clocks of a cancelled, returned or finally rejected claim stop (``void``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.errors import AcceptanceNotNeeded
from huanxin.claims.models import Claim, ClaimAcceptance, ClaimEvent
from huanxin.claims.service import common
from huanxin.core import audit, workdays
from huanxin.core.actor import Actor
from huanxin.core.clock import CHINA_TZ, as_utc, today_cn, utcnow
from huanxin.policy import service as policies

STEP_LABELS = {"accept": "受理", "review": "审核", "pay": "拨付"}
STATUS_LABELS = {
    "on_time": "按时办结",
    "late": "超时办结",
    "open": "办理中",
    "overdue": "已逾期",
    "waiting": "未开始",
    "void": "已终止",
}
ENDED = frozenset({"cancelled", "returned", "rejected_final"})
RUNNING = frozenset({"submitted", "appealed", "reserved", "approved", "batched"})
_CHUNK = 500


@dataclass(frozen=True)
class Limits:
    accept_days: int | None
    review_days: int | None
    pay_days: int | None
    working_days: bool


@dataclass(frozen=True)
class Facts:
    """The dates that stop and start the clocks, with who acted (user id, role)."""

    accepted: tuple[date, int | None, str] | None = None
    decided: tuple[date, int | None, str] | None = None
    approved: tuple[date, int | None, str] | None = None
    paid: tuple[date, int | None, str] | None = None


@dataclass(frozen=True)
class Step:
    step: str
    days: int
    working_days: bool
    start: date | None
    due: date | None
    done_on: date | None
    status: str
    estimated: bool  # the due date falls in a year whose official calendar is not loaded
    handler: tuple[int | None, str] | None  # who did it (user id, role)

    @property
    def label(self) -> str:
        return STEP_LABELS[self.step]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def cn_date(value: datetime) -> date:
    return as_utc(value).astimezone(CHINA_TZ).date()


def limits_of(session: Session, claim: Claim) -> Limits | None:
    """The tightest limits of the claim's programme versions (None: no clock)."""
    refs = tuple(common.versions_of(json.loads(claim.quote)))
    cache: dict[tuple[str, ...], Limits | None] = session.info.setdefault("claims.clock_limits", {})
    if refs not in cache:
        cache[refs] = _limits(session, refs)
    return cache[refs]


def _limits(session: Session, refs: tuple[str, ...]) -> Limits | None:
    blocks = []
    for ref in refs:
        pid, version = ref.rsplit("@", 1)
        review = policies.get_version(session, pid, int(version)).review
        if review is not None:
            blocks.append(review)
    if not blocks:
        return None

    def tightest(values: list[int | None]) -> int | None:
        given = [v for v in values if v is not None]
        return min(given) if given else None

    return Limits(
        accept_days=tightest([b.accept_days for b in blocks]),
        review_days=tightest([b.review_days for b in blocks]),
        pay_days=tightest([b.pay_days for b in blocks]),
        working_days=any(b.working_days for b in blocks),
    )


def clocked_categories(session: Session) -> set[str]:
    """Categories of the programmes that declare limits (a cheap filter for lists)."""
    return {
        c.code for p in policies.all_versions(session) if p.review is not None for c in p.categories
    }


def facts_for(session: Session, claim_ids: list[int]) -> dict[int, Facts]:
    found: dict[int, dict[str, tuple[date, int | None, str]]] = defaultdict(dict)
    for start in range(0, len(claim_ids), _CHUNK):
        chunk = claim_ids[start : start + _CHUNK]
        for acc in session.scalars(
            select(ClaimAcceptance).where(ClaimAcceptance.claim_id.in_(chunk))
        ):
            found[acc.claim_id]["accepted"] = (acc.accepted_on, acc.user_id, acc.role)
        events = session.scalars(
            select(ClaimEvent)
            .where(
                ClaimEvent.claim_id.in_(chunk),
                ClaimEvent.to_state.in_(("approved", "rejected", "paid")),
            )
            .order_by(ClaimEvent.at, ClaimEvent.id)
        )
        for event in events:
            mine = found[event.claim_id]
            fact = (cn_date(event.at), event.actor_user_id, event.actor_role)
            kinds = {"approved": ("decided", "approved"), "rejected": ("decided",)}
            for kind in kinds.get(event.to_state, ("paid",)):
                mine.setdefault(kind, fact)
    return {cid: Facts(**found.get(cid, {})) for cid in claim_ids}


def steps_of(
    claim: Claim, limits: Limits, facts: Facts, calendar: workdays.Calendar, today: date
) -> list[Step]:
    filed = cn_date(claim.created_at)
    accepted = facts.accepted or facts.decided
    plan: list[tuple[str, int | None, date | None, tuple[date, int | None, str] | None]] = []
    if claim.kind != "point_of_sale":
        plan.append(("accept", limits.accept_days, filed, accepted))
    review_start = filed if claim.kind == "point_of_sale" else (accepted[0] if accepted else None)
    plan.append(("review", limits.review_days, review_start, facts.decided))
    plan.append(("pay", limits.pay_days, facts.approved[0] if facts.approved else None, facts.paid))
    return [
        _step(claim, name, days, start, done, limits.working_days, calendar, today)
        for name, days, start, done in plan
        if days is not None
    ]


def _step(
    claim: Claim,
    name: str,
    days: int,
    start: date | None,
    done: tuple[date, int | None, str] | None,
    working: bool,
    calendar: workdays.Calendar,
    today: date,
) -> Step:
    due = None
    if start is not None:
        due = calendar.add_workdays(start, days) if working else calendar.add_days(start, days)
    if done is not None:
        status = "on_time" if due is None or done[0] <= due else "late"
    elif claim.state in ENDED or (name == "pay" and claim.state == "rejected"):
        status = "void"
    elif due is None:
        status = "waiting"
    else:
        status = "overdue" if today > due else "open"
    return Step(
        step=name,
        days=days,
        working_days=working,
        start=start,
        due=due,
        done_on=done[0] if done else None,
        status=status,
        estimated=due is not None and not calendar.known(due.year),
        handler=(done[1], done[2]) if done else None,
    )


def clock(session: Session, actor: Actor, claim_id: int) -> list[Step]:
    """The clock of one claim the actor can see ([] when its programmes set no limits)."""
    claim = common.get_claim(session, actor, claim_id)
    return steps_for(session, [claim], today_cn()).get(claim.id, [])


def steps_for(session: Session, claims: list[Claim], today: date) -> dict[int, list[Step]]:
    limited = [(c, lim) for c in claims if (lim := limits_of(session, c)) is not None]
    facts = facts_for(session, [c.id for c, _ in limited])
    calendar = workdays.load(session)
    return {c.id: steps_of(c, lim, facts[c.id], calendar, today) for c, lim in limited}


def accept(session: Session, actor: Actor, *, claim_id: int) -> ClaimAcceptance:
    """The office accepts (受理) an application. Accepting it again changes nothing."""
    claim = common.get_claim(session, actor, claim_id, lock=True)
    existing = session.get(ClaimAcceptance, claim.id)
    if existing is not None:
        return existing
    if claim.kind == "point_of_sale":
        raise AcceptanceNotNeeded("即时核销的补贴在销售时即已受理，无需再受理")
    if claim.state != "submitted":
        raise AcceptanceNotNeeded("该申请已作出审核决定，无需再受理")
    row = ClaimAcceptance(
        claim_id=claim.id,
        accepted_on=today_cn(),
        user_id=actor.user_id,
        role=actor.role,
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "claim.accepted",
        object_type="claim",
        object_id=claim.id,
        after={"accepted_on": row.accepted_on.isoformat()},
        jurisdiction_code=claim.jurisdiction_code,
    )
    return row
