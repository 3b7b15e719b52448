"""Per-process allotments of a release round's quotas (the 07:00 burst on PostgreSQL).

A round's ``issued`` counter is one row. When every issuing claim moved it inside its own
transaction, the row's lock was held from that UPDATE through the audit entry, the key's
record and the commit, so the burst's issuing claims passed one at a time (measured: 480
issues took 25 s at 64 connections). Instead, each server process takes a block of the
round's quotas from the counter in a short transaction of its own (one conditional UPDATE,
``issued + n <= offered``, committed at once) and hands the seats out to its claims from
memory. A claim's transaction holds no lock on the round.

Exactness: the counter only ever counts seats a process took, and a process issues at most
the seats it took, so quotas issued ≤ counter ≤ offered under any interleaving. A seat is
used when the claim's transaction commits; if it rolls back (a cap, a lost race for a slot,
a failed commit) the seat goes back to the process's allotment for the next claim. When the
process exits its unused seats go back to the counter (``give_back``, at exit). A process
that dies without exiting keeps its seats out of today's round; they are not lost: the next
day's round offers every quota not used (``releases.new_round`` counts used quotas, not the
counter). Demand at a burst uses every block, so the count is exact where it matters.

SQLite serialises writers, so there a claim moves the counter in its own transaction as
before (``take`` returns None); lottery draws do too.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass, field
from time import monotonic

from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session

from huanxin.claims.models import ReleaseRound

log = logging.getLogger("huanxin.claims.allotments")

# Quotas a process takes from the counter at a time, at most; fewer as the round runs out
# (an eighth of what is left, down to one), so at the end no process sits on seats while
# another answers 已领完. ``HUANXIN_RELEASE_BLOCK=0`` turns allotments off: every claim
# moves the counter in its own transaction, as before (for comparison).
BLOCK = int(os.environ.get("HUANXIN_RELEASE_BLOCK", "16"))
RECHECK_SECONDS = 1.0  # a full counter is read again after this long (a seat given back)
_SEATS = "huanxin.release_seats"  # session.info: rounds of the seats this transaction took


@dataclass
class Allotment:
    """The seats this process took from one round's counter and has not yet used."""

    engine: Engine
    release_id: int
    left: int = 0
    full_seen: float | None = None  # when the counter was last found full (monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def full(self) -> bool:
        """No seat left here, and the counter was found full less than a recheck ago."""
        seen = self.full_seen
        return self.left == 0 and seen is not None and monotonic() - seen < RECHECK_SECONDS


_ALLOTMENTS: dict[int, Allotment] = {}
_GUARD = threading.Lock()


def engine_of(session: Session) -> Engine | None:
    """The engine a separate short transaction can use, on PostgreSQL only."""
    bind = session.get_bind()
    if BLOCK > 0 and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return bind
    return None


def _allotment(engine: Engine, rnd: ReleaseRound) -> Allotment:
    with _GUARD:
        found = _ALLOTMENTS.get(rnd.id)
        if found is None or found.engine is not engine or found.release_id != rnd.release_id:
            found = _ALLOTMENTS[rnd.id] = Allotment(engine, rnd.release_id)
        return found


def known_full(round_id: int) -> bool:
    """This process holds no seat of the round and saw its counter full a moment ago."""
    found = _ALLOTMENTS.get(round_id)
    return found is not None and found.full()


def _refill(allot: Allotment, round_id: int) -> bool | None:
    """Take up to ``BLOCK`` seats from the counter in a committed transaction of its own.
    False when the counter is full; None when the round is not visible outside the caller's
    transaction (it opened the round: the caller moves the counter itself)."""
    if allot.full():
        return False
    with allot.engine.begin() as conn:
        while True:
            row = conn.execute(
                select(ReleaseRound.issued, ReleaseRound.offered).where(ReleaseRound.id == round_id)
            ).first()
            if row is None:
                return None
            remaining = row.offered - row.issued
            want = min(BLOCK, max(1, remaining // 8), remaining)
            if want <= 0:
                allot.full_seen = monotonic()
                return False
            moved = conn.execute(
                update(ReleaseRound)
                .where(
                    ReleaseRound.id == round_id, ReleaseRound.issued + want <= ReleaseRound.offered
                )
                .values(issued=ReleaseRound.issued + want)
            )
            if moved.rowcount == 1:
                allot.left += want
                allot.full_seen = None
                return True


def take(session: Session, rnd: ReleaseRound) -> bool | None:
    """One seat of the round for the claim in ``session``'s transaction: True (used if the
    transaction commits, given back if not), False when the round is gone, None when the
    caller must move the counter in its own transaction (SQLite, or a round it opened)."""
    engine = engine_of(session)
    if engine is None:
        return None
    allot = _allotment(engine, rnd)
    with allot.lock:
        if allot.left == 0:
            got = _refill(allot, rnd.id)
            if not got:
                return got
        allot.left -= 1
    session.info.setdefault(_SEATS, []).append(rnd.id)
    return True


def put_back(session: Session, round_id: int) -> None:
    """A seat taken by ``take`` in this transaction that the claim did not use after all."""
    seats: list[int] = session.info.get(_SEATS, [])
    if round_id in seats:
        seats.remove(round_id)
        _return(round_id, 1)


def _return(round_id: int, count: int) -> None:
    found = _ALLOTMENTS.get(round_id)
    if found is not None:
        with found.lock:
            found.left += count


@event.listens_for(Session, "after_commit")
def _seats_used(session: Session) -> None:
    if session.get_nested_transaction() is None:  # releasing a savepoint uses nothing
        session.info.pop(_SEATS, None)


@event.listens_for(Session, "after_transaction_end")
def _seats_unused(session: Session, transaction: object) -> None:
    """A transaction that ended without committing gives its seats back."""
    if getattr(transaction, "parent", None) is None:
        for round_id in session.info.pop(_SEATS, []):
            _return(round_id, 1)


def give_back() -> None:
    """Return every unused seat of this process to its round's counter (at exit)."""
    with _GUARD:
        held = list(_ALLOTMENTS.items())
        _ALLOTMENTS.clear()
    for round_id, allot in held:
        with allot.lock:
            left, allot.left = allot.left, 0
        if not left:
            continue
        try:
            with allot.engine.begin() as conn:
                conn.execute(
                    update(ReleaseRound)
                    .where(ReleaseRound.id == round_id, ReleaseRound.issued >= left)
                    .values(issued=ReleaseRound.issued - left)
                )
        except Exception:  # the database is gone: the next day's round offers them anyway
            log.warning("allotments.give_back_failed", extra={"round": round_id, "left": left})


def forget() -> None:
    """Drop this process's allotments without returning them (tests: the database was reset)."""
    with _GUARD:
        _ALLOTMENTS.clear()


atexit.register(give_back)
