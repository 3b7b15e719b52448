"""Tables of the budget ledger: pools, their escrow shards, and the append-only journal.

A pool (programme × funding layer × jurisdiction) holds its money in ``shards`` rows of
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

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
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
    """A budget for one programme, funding layer and jurisdiction."""

    __tablename__ = "ledger_pools"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(String(64))
    layer: Mapped[str] = mapped_column(String(16))  # central | province | city | county
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    shard_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("programme_id", "layer", "jurisdiction_code"),)


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
