"""Tables of the secondhand domain: dealers and platforms, transactions, data-wiping records
and certificates, valuers and reports, credit events, used-car baselines, used-equipment
listings (photos, enquiries, offers, state steps) and the public-institution warehouse (公务仓)."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Dealer(Base):
    """A registered second-hand dealer or trading platform, keyed to a merchant organisation."""

    __tablename__ = "sh_dealers"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # dealer | platform | valuer
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    licence_no: Mapped[str] = mapped_column(String(64))
    categories: Mapped[str] = mapped_column(String(128))  # comma-separated category codes
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended
    status_reason: Mapped[str | None] = mapped_column(String(256), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Transaction(Base):
    """One registered second-hand transaction: the item, its grade, price and both parties."""

    __tablename__ = "sh_transactions"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("sh_dealers.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # acquire | resale
    category: Mapped[str] = mapped_column(String(16), index=True)
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64), index=True)
    made_year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(2))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    traded_on: Mapped[date] = mapped_column(Date, index=True)
    seller_name_enc: Mapped[str] = mapped_column(Text)
    seller_id_enc: Mapped[str] = mapped_column(Text)
    seller_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    buyer_name_enc: Mapped[str] = mapped_column(Text)
    buyer_id_enc: Mapped[str] = mapped_column(Text)
    buyer_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("sh_wipe_certificates.id"), default=None
    )
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sh_transactions_guide", "category", "model", "grade"),)


class CarBaseline(Base):
    """The 2023 used-car transaction count of a jurisdiction, entered as data with its source,
    and the growth its plan targets (basis points)."""

    __tablename__ = "sh_car_baselines"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    year: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    target_year: Mapped[int] = mapped_column(Integer)
    target_growth_bp: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(256))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "year"),)


class WipeRecord(Base):
    """A data-wiping operation on a phone, tablet or computer (NIST SP 800-88 method)."""

    __tablename__ = "sh_wipe_records"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("sh_dealers.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(8))  # clear | purge | destroy
    tool: Mapped[str] = mapped_column(String(128))
    operator_enc: Mapped[str] = mapped_column(Text)
    wiped_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verified: Mapped[bool] = mapped_column(Boolean)
    verification_note: Mapped[str] = mapped_column(String(256), default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WipeCertificate(Base):
    """The certificate of a verified wipe, bound to the device serial; a buyer checks it
    publicly by its verification code. Used once by a resale."""

    __tablename__ = "sh_wipe_certificates"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    wipe_id: Mapped[int] = mapped_column(ForeignKey("sh_wipe_records.id"), unique=True)
    cert_no: Mapped[str] = mapped_column(String(32), unique=True)
    verify_code: Mapped[str] = mapped_column(String(16), unique=True)
    serial: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(8), default="valid")  # valid | used | revoked
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(String(256), default=None)


class ValuationReport(Base):
    """A report by a registered third-party valuer (a dealer row of kind ``valuer``)."""

    __tablename__ = "sh_valuation_reports"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    valuer_id: Mapped[int] = mapped_column(ForeignKey("sh_dealers.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    report_no: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(16))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str] = mapped_column(String(2))
    value_fen: Mapped[int] = mapped_column(BigInteger)
    valued_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(512), default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditEvent(Base):
    """A complaint, dispute, violation or fulfilment record about a dealer or platform."""

    __tablename__ = "sh_credit_events"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("sh_dealers.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint | dispute | violation | fulfilment
    outcome: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8), default="normal")  # normal | serious
    description: Mapped[str] = mapped_column(String(512))
    occurred_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Listing(Base):
    """A used-equipment listing of an enterprise or public institution, with its transfer state."""

    __tablename__ = "sh_listings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64), index=True)
    equipment_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    condition: Mapped[str] = mapped_column(String(2))
    condition_note: Mapped[str] = mapped_column(String(512), default="")
    asking_price_fen: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), index=True)
    buyer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), default=None)
    agreed_price_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListingPhoto(Base):
    __tablename__ = "sh_listing_photos"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("sh_listings.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Enquiry(Base):
    __tablename__ = "sh_enquiries"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("sh_listings.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    message: Mapped[str] = mapped_column(String(512))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Offer(Base):
    __tablename__ = "sh_offers"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("sh_listings.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))  # open | accepted | rejected
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Step(Base):
    """One recorded step of a listing or a warehouse item (its path), append-only."""

    __tablename__ = "sh_steps"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(16))  # listing | warehouse
    subject_id: Mapped[int] = mapped_column(BigInteger)
    from_state: Mapped[str | None] = mapped_column(String(16), default=None)
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(256), default="")
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sh_steps_subject", "subject", "subject_id"),)


class PublicInstitution(Base):
    """An enterprise organisation flagged as a public institution (公共机构) for the 公务仓."""

    __tablename__ = "sh_public_institutions"

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WarehouseItem(Base):
    """A retired or idle office asset declared into the 公务仓 and its disposal route."""

    __tablename__ = "sh_warehouse_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    institution_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    asset_no: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(64))
    acquired_year: Mapped[int] = mapped_column(Integer)
    declared_year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    route: Mapped[str | None] = mapped_column(String(16), default=None)
    claimant_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), default=None
    )
    recycler_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), default=None
    )
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("sh_wipe_certificates.id"), default=None
    )
    proceeds_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("institution_org_id", "asset_no"),)
