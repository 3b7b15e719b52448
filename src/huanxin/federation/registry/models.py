"""The national registry's own tables, on its own metadata and its own database.

Nothing here is personal data: a key is an HMAC under the national federation key, which
the deployments hold and the registry never sees. ``registry_keys`` has one row per held
key (the primary key makes "held once nationally" a database rule); ``registry_matches``
are the cross-province duplicates found when a deployment's queued claims drained after
an outage, each resolved by both sides; ``registry_rollups`` are the aggregates the
deployments publish; ``registry_log`` is the append-only record of every change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huanxin.db import NAMING


class RegistryBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Deployment(RegistryBase):
    """A provincial deployment allowed to claim keys (its bearer token stored as SHA-256)."""

    __tablename__ = "registry_deployments"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)  # province code, 370000
    name: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HeldKey(RegistryBase):
    __tablename__ = "registry_keys"

    key_hash: Mapped[str] = mapped_column(String(80), primary_key=True)  # "v1:<hex>"
    kind: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(6), index=True)
    ref: Mapped[str] = mapped_column(String(64))  # the holder's claim reference
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Match(RegistryBase):
    """A key claimed by ``challenger`` (queued during an outage) while ``holder`` held it."""

    __tablename__ = "registry_matches"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(6), index=True)
    holder_ref: Mapped[str] = mapped_column(String(64))
    challenger: Mapped[str] = mapped_column(String(6), index=True)
    challenger_ref: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # open | disputed | closed
    holder_disposition: Mapped[str | None] = mapped_column(String(16), default=None)
    challenger_disposition: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("key_hash", "challenger", "challenger_ref"),)


class Rollup(RegistryBase):
    """One deployment's published aggregates for one day (the latest publication wins)."""

    __tablename__ = "registry_rollups"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deployment: Mapped[str] = mapped_column(String(6))
    as_of: Mapped[date] = mapped_column(Date)
    figures: Mapped[str] = mapped_column(Text)  # JSON: counts and fen, no rows
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("deployment", "as_of"),)


class LogEntry(RegistryBase):
    __tablename__ = "registry_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    deployment: Mapped[str] = mapped_column(String(6))
    action: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
