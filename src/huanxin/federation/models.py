"""Deployment-side federation tables: each claim's national keys and their state, and the
cross-province matches waiting in this province's review queue.

Only keyed hashes are stored here (never a plain identifier): ``keys`` is the JSON list
sent to the registry, so a queued claim can be sent again as it was.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class KeyState(StrEnum):
    confirmed = "confirmed"  # the registry granted every key
    pending = "pending"  # accepted during an outage, held out of payment until confirmed
    duplicate = "duplicate"  # another province held a key: a match to resolve, never paid
    releasing = "releasing"  # the claim ended; the release is still to reach the registry
    released = "released"


TRANSITIONS: dict[KeyState, frozenset[KeyState]] = {
    KeyState.pending: frozenset({KeyState.confirmed, KeyState.duplicate, KeyState.releasing}),
    KeyState.duplicate: frozenset({KeyState.pending, KeyState.releasing}),
    KeyState.confirmed: frozenset({KeyState.releasing}),
    KeyState.releasing: frozenset({KeyState.released}),
    KeyState.released: frozenset(),
}

HELD_OUT_OF_PAYMENT = frozenset({KeyState.pending, KeyState.duplicate})


class NationalClaim(Base):
    __tablename__ = "federation_claims"

    claim_id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=False)
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    keys: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    release_kinds: Mapped[str | None] = mapped_column(Text, default=None)  # JSON list; None: all
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MatchRecord(Base):
    """This province's copy of a registry match: which claim, which other province, who
    decided what."""

    __tablename__ = "federation_matches"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    registry_match_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    claim_id: Mapped[int] = mapped_column(BigInteger, index=True)
    jurisdiction_code: Mapped[str] = mapped_column(String(6), index=True)
    side: Mapped[str] = mapped_column(String(12))  # holder | challenger
    kind: Mapped[str] = mapped_column(String(32))
    other_code: Mapped[str] = mapped_column(String(6))
    other_name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # open | disputed | closed (the registry's)
    our_disposition: Mapped[str | None] = mapped_column(String(16), default=None)
    their_disposition: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
