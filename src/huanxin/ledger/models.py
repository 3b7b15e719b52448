"""Tables of the budget ledger: pools, their escrow shards, the append-only journal, and the
release schedule (tranches) and alerts of a pool.

A pool (programme × funding layer × jurisdiction × budget year) holds its money in ``shards`` rows of
``ledger_shards``; the pool's balances are the sums over its shards. Every shard keeps
``allocated = available + reserved + spent`` and no balance below zero, enforced by CHECK
constraints as a last line of defence behind the conditional updates of the service.

``ledger_entries`` is the double-entry journal: every movement is two legs with opposite
amounts between the accounts ``available``, ``reserved``, ``spent`` and ``external`` of one
pool (a leg also names its shard). Rows are only ever inserted; a correction is a reversal.
The journal has only the two indexes its readers need (commit by ref, burn by date), since
every reservation writes to it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Pool(Base):
    """A budget for one programme, funding layer and jurisdiction in one budget year.

    ``budget_fen`` is the year's money (0: no plan, money is allocated as it comes);
    a schedule of tranches releases it into the shards. ``year_end`` says what happens to
    the remainder after 31 December (``return`` or ``carry_forward``). Sales pause when the
    available money falls below ``pause_below_fen``, or when the office pauses by hand
    (``paused_by`` auto | manual, empty when open)."""

    __tablename__ = "ledger_pools"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(String(64))
    layer: Mapped[str] = mapped_column(String(16))  # central | province | city | county
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    period_year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128))
    shard_count: Mapped[int] = mapped_column(Integer)
    budget_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    year_end: Mapped[str] = mapped_column(String(16), default="return")
    pause_below_fen: Mapped[int] = mapped_column(BigInteger, default=1)
    paused_by: Mapped[str] = mapped_column(String(16), default="")
    pause_reason: Mapped[str] = mapped_column(String(256), default="")
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint(
            "programme_id",
            "layer",
            "jurisdiction_code",
            "period_year",
            name="uq_ledger_pools_programme_year",
        ),
        CheckConstraint("budget_fen >= 0", name="budget_not_negative"),
    )


class Shard(Base):
    """One escrow sub-pool: a slice of a pool's money that a reservation can take alone."""

    __tablename__ = "ledger_shards"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("ledger_pools.id"))
    slot: Mapped[int] = mapped_column(Integer)  # 0 … shard_count - 1 within the pool
    allocated: Mapped[int] = mapped_column(BigInteger, default=0)
    available: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    spent: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("pool_id", "slot"),
        CheckConstraint("available >= 0", name="available_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("spent >= 0", name="spent_not_negative"),
        CheckConstraint("allocated = available + reserved + spent", name="balanced"),
    )


class Entry(Base):
    """One leg of a movement. Positive amounts increase the account's balance."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    movement: Mapped[str] = mapped_column(String(32))
    pool_id: Mapped[int] = mapped_column(ForeignKey("ledger_pools.id"))
    shard_id: Mapped[int] = mapped_column(ForeignKey("ledger_shards.id"))
    account: Mapped[str] = mapped_column(String(12))  # available | reserved | spent | external
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(String(256), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_ledger_entries_pool_ref", "pool_id", "ref"),
        Index("ix_ledger_entries_pool_at", "pool_id", "at"),
    )


class Tranche(Base):
    """One release of a pool's money: on ``starts_on`` its amount moves into the shards.

    The window ``starts_on``…``ends_on`` is also the spending plan of that stretch (the
    monthly plan is the sum of the month's tranches). Windows of one pool never overlap."""

    __tablename__ = "ledger_tranches"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("ledger_pools.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("pool_id", "seq"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("ends_on >= starts_on", name="window_ordered"),
    )


class Alert(Base):
    """A warning about a pool for the office and finance, at most one per kind and day."""

    __tablename__ = "ledger_alerts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("ledger_pools.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # runs_dry | off_plan
    day: Mapped[date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("pool_id", "kind", "day"),)
