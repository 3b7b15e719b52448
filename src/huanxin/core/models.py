"""Tables every domain shares: jurisdictions, organisations, users, credentials,
the audit trail and idempotency records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.db import Base

ID = BigInteger().with_variant(Integer(), "sqlite")


class Jurisdiction(Base):
    """A node of the administrative tree (GB/T 2260 code): province, city or county."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # province | city | county
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("jurisdictions.code"), index=True, default=None
    )
    path: Mapped[str] = mapped_column(String(64), index=True)  # "/140000/140500/140521/"


class Organization(Base):
    """A department, enterprise, merchant or recycler a user can be bound to."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("kind", "name", "jurisdiction_code"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), default=None)
    mobile_enc: Mapped[str | None] = mapped_column(Text, default=None)
    mobile_hash: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    resident_id_enc: Mapped[str | None] = mapped_column(Text, default=None)
    resident_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # login failures before this moment no longer delay logins (an admin's unlock)
    login_unlocked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class WebSession(Base):
    """A browser login; the cookie holds the random id, the table holds its SHA-256."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    client_ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_client_ip_at", "client_ip", "at"),
    )


class AuditEntry(Base):
    """One link of a hash chain. Several chains (stripes) let writers append in parallel;
    each chain is verified on its own, in ``seq`` order."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_role: Mapped[str] = mapped_column(String(16))
    jurisdiction_code: Mapped[str | None] = mapped_column(String(6), index=True, default=None)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    before_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    after_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac_key: Mapped[str | None] = mapped_column(String(16), default=None)
    mac: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_entries_object", "object_type", "object_id"),
    )


class AuditHead(Base):
    """The last link of each audit chain, updated with every append, so that deleting the
    newest entries of a chain is found too. Row locks on it serialise appends per chain."""

    __tablename__ = "audit_heads"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac_key: Mapped[str | None] = mapped_column(String(16), default=None)
    mac: Mapped[str | None] = mapped_column(String(64), default=None)


class IdempotencyRecord(Base):
    """The stored outcome of a mutation under a client-supplied key."""

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    actor_user_id: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(String(128))
    scope: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("actor_user_id", "key"),)


class CalendarDay(Base):
    """A day of the official calendar loaded after the calendar library's release: a public
    holiday (``workday`` false) or a 调休 make-up workday on a weekend (``workday`` true).
    Rows override the library (core/workdays.py); other days follow Monday to Friday."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(String(128), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
