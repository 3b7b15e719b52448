"""Tables of the integrity domain: stored risk scores with their reasons, merchant scores,
reviewer decisions and referrals to audit.

A claim scoring at/above the hold threshold gets ``status = "held"``: settlement leaves it
out of payment batches (``service.held_claim_ids``) until a reviewer clears it. Rejecting
ends it through the claims lifecycle; referring keeps it held with a referral record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base

REVIEW_STATUSES = ("scored", "held", "cleared", "rejected", "referred")
"""scored: below the threshold; held: waiting for review; the rest are decisions."""

HOLDING = frozenset({"held", "referred"})


class RiskScore(Base):
    """The latest risk score of one claim and where its review stands."""

    __tablename__ = "integrity_claim_scores"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    merchant_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True, default=None
    )
    score: Mapped[int] = mapped_column(Integer)
    hold: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class RiskReason(Base):
    """One detector hit on a claim: which rule, its points and its Chinese explanation."""

    __tablename__ = "integrity_reasons"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    detector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)


class MerchantRisk(Base):
    """The latest risk score of one merchant (an organisation), with its reasons."""

    __tablename__ = "integrity_merchant_scores"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    claims: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of Chinese lines
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewDecision(Base):
    """A reviewer's decision on a held claim: clear, reject or refer (to audit)."""

    __tablename__ = "integrity_decisions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # clear | reject | refer
    detectors: Mapped[str] = mapped_column(Text, default="[]")  # JSON: detectors that fired
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Referral(Base):
    """A held claim referred to audit; the claim stays held while the referral is open."""

    __tablename__ = "integrity_referrals"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    decision_id: Mapped[int] = mapped_column(BigInteger)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
