"""Trade-in tables: quotas (entitlements), claims with their funding parts and events,
evidence files, payment batches and their items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
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


class Quota(Base):
    """A consumer's entitlement for one category under one programme and period.

    ``(person_key, programme_id, category, period_key, slot)`` is unique, so the database —
    not Python — enforces "N per person per category per period" (slot runs 1..N)."""

    __tablename__ = "quotas"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_key: Mapped[str] = mapped_column(String(64))
    consumer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    programme_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    period_key: Mapped[str] = mapped_column(String(32))
    slot: Mapped[int] = mapped_column(Integer)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # issued | locked | used | expired | void
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claim_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_on: Mapped[date | None] = mapped_column(Date, default=None)  # a sale may not predate it

    __table_args__ = (
        UniqueConstraint("person_key", "programme_id", "category", "period_key", "slot"),
    )


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # point_of_sale | application
    state: Mapped[str] = mapped_column(String(16), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    person_name_enc: Mapped[str] = mapped_column(Text)
    resident_id_enc: Mapped[str] = mapped_column(Text)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    merchant_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True, default=None
    )
    quota_id: Mapped[int | None] = mapped_column(ForeignKey("quotas.id"), default=None)
    product_model: Mapped[str] = mapped_column(String(64), default="")
    product_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    grade: Mapped[int | None] = mapped_column(Integer, default=None)
    serial_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    device_serial: Mapped[str] = mapped_column(String(64), default="")
    # A car's VIN, sealed; its keyed hash is unique so one vehicle gets one subsidy, in any
    # jurisdiction (freed again only if the claim is cancelled).
    vin_enc: Mapped[str | None] = mapped_column(Text, default=None)
    vin_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    invoice_no: Mapped[str] = mapped_column(String(32), default="")
    recycling_cert_no: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    purchase_date: Mapped[date] = mapped_column(Date)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    subsidy_fen: Mapped[int] = mapped_column(BigInteger)
    consumer_pays_fen: Mapped[int] = mapped_column(BigInteger)
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    quote: Mapped[str] = mapped_column(Text)  # the engine's result: versions, arithmetic, split
    payee: Mapped[str] = mapped_column(String(80))  # "org:12" (merchant) or "person:<key>"
    review_due: Mapped[date | None] = mapped_column(Date, default=None)
    reviewer_user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    appeal_reviewer_user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    batch_id: Mapped[int | None] = mapped_column(BigInteger, index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # What the fraud detectors need, captured where it arises (claims.service.signals):
    # the store and till of a redemption and where the till says it was; the payee account
    # of an application (sealed, keyed hash); the weight of the recycled old item; the
    # per-item cap of the quote; the delivery address (sealed, keyed hash); keyed hashes
    # and Bloom-filter encodings (core.clk) of name, phone and address for linkage.
    store_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    terminal_id: Mapped[str | None] = mapped_column(String(32), default=None)
    redeem_lat: Mapped[float | None] = mapped_column(Float, default=None)
    redeem_lon: Mapped[float | None] = mapped_column(Float, default=None)
    payee_account_enc: Mapped[str | None] = mapped_column(Text, default=None)
    payee_account_key: Mapped[str | None] = mapped_column(String(64), default=None)
    recycled_weight_g: Mapped[int | None] = mapped_column(BigInteger, default=None)
    cap_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    address_enc: Mapped[str | None] = mapped_column(Text, default=None)
    address_key: Mapped[str | None] = mapped_column(String(64), default=None)
    phone_block_key: Mapped[str | None] = mapped_column(String(64), default=None)
    name_clk: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    phone_clk: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    address_clk: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)

    __table_args__ = (Index("ix_claims_jurisdiction_state", "jurisdiction_code", "state"),)


class MerchantStore(Base):
    """A merchant's store: a site with its coordinates (WGS84), where its tills stand."""

    __tablename__ = "merchant_stores"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(128), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("org_id", "name"),)


class MerchantTill(Base):
    """A till (POS terminal) of a merchant, identified by its terminal id, in one store."""

    __tablename__ = "merchant_tills"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("merchant_stores.id"), index=True)
    terminal_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("org_id", "terminal_id"),)


class ClaimPart(Base):
    """The amount one programme version pays through one funding layer's pool."""

    __tablename__ = "claim_parts"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    programme_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    layer: Mapped[str] = mapped_column(String(16))
    pool_id: Mapped[int] = mapped_column(BigInteger)
    shard_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class ClaimEvent(Base):
    """One state transition of a claim (also in the audit trail)."""

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    actor_role: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Evidence(Base):
    __tablename__ = "claim_evidence"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    for_appeal: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PaymentBatch(Base):
    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    state: Mapped[str] = mapped_column(String(16))  # open | exported | settled
    created_by: Mapped[int] = mapped_column(BigInteger)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class PaymentItem(Base):
    """One payment to one payee in a batch: the sum of its claims, less clawbacks netted."""

    __tablename__ = "payment_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    payee: Mapped[str] = mapped_column(String(80))
    payee_name: Mapped[str] = mapped_column(String(128))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16))  # pending | paid | failed
    bank_ref: Mapped[str] = mapped_column(String(64), default="")
    failure_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("batch_id", "payee"),)


class Clawback(Base):
    """A subsidy to recover from a payee after a return of an already paid claim; netted in
    that payee's next payment."""

    __tablename__ = "clawbacks"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), unique=True)
    payee: Mapped[str] = mapped_column(String(80), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    netted_in_item_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CatalogueProduct(Base):
    """An eligible model (SKU) of a category, with its grade, filed price, barcode and
    validity."""

    __tablename__ = "catalogue_products"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    grade: Mapped[int | None] = mapped_column(Integer, default=None)
    list_price_fen: Mapped[int] = mapped_column(BigInteger)  # the filed (guide) price
    # the product's GTIN-13 (69码), checked against the model at the till when listed
    barcode: Mapped[str | None] = mapped_column(String(13), index=True, default=None)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, default=None)
    imported_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The manufacturer that listed it; None for products the office listed. A manufacturer
    # may only change its own products.
    owner_org_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("category", "model"),)


class ClaimAcceptance(Base):
    """The office's acceptance (受理) of an application, which stops the accept clock and
    starts the review clock (claims/service/clocks.py). One per claim."""

    __tablename__ = "claim_acceptances"

    claim_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    accepted_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    role: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReconFile(Base):
    """A bank result file or a card organisation's redemption file, reconciled once: the same
    file (by its SHA-256) imported again in the same jurisdiction is recognised, not re-read."""

    __tablename__ = "recon_files"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # bank | card
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer)
    mismatched: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("kind", "jurisdiction_code", "sha256"),)


class ReconLine(Base):
    """One outcome of a reconciliation: a file row matched to a payment (covering its claims)
    or to a claim, or a mismatch for action: missing, extra, amount differs."""

    __tablename__ = "recon_lines"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("recon_files.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    row_no: Mapped[int | None] = mapped_column(Integer, default=None)  # None: missing from file
    outcome: Mapped[str] = mapped_column(String(16))  # matched | missing | extra | amount_differs
    reference: Mapped[str] = mapped_column(String(64))
    payment_item_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    claim_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    claim_count: Mapped[int] = mapped_column(Integer, default=0)
    expected_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    reported_fen: Mapped[int | None] = mapped_column(BigInteger, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class ClosedPeriod(Base):
    """A month finance has closed for a jurisdiction: merchants' statements for it are final."""

    __tablename__ = "closed_periods"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    closed_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "month"),)


class QuotaRelease(Base):
    """A schedule of timed quota releases: ``per_release`` quotas of one category under one
    programme, released every day from ``first_day`` to ``last_day`` at ``release_minute``
    (minutes after midnight, China time), valid for ``valid_minutes`` after the release
    (None: until midnight). A person gets at most ``day_cap`` a day and ``month_cap`` a
    month. ``mode`` is ``first_come`` or ``lottery`` (entries until ``entry_minutes`` after
    the release, then a draw anyone can check)."""

    __tablename__ = "quota_releases"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    pool_id: Mapped[int] = mapped_column(BigInteger)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    release_minute: Mapped[int] = mapped_column(Integer)
    per_release: Mapped[int] = mapped_column(Integer)
    valid_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    day_cap: Mapped[int] = mapped_column(Integer)
    month_cap: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))  # first_come | lottery
    entry_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReleaseRound(Base):
    """One day's release of a schedule: ``offered`` = this day's quotas plus the unused ones
    returned from earlier days; ``issued`` counts up atomically and never passes it."""

    __tablename__ = "quota_release_rounds"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("quota_releases.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    offered: Mapped[int] = mapped_column(Integer)
    carried_in: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    # lottery: the seed's SHA-256 is published when the round opens; the seed when drawn
    seed_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    seed: Mapped[str | None] = mapped_column(String(64), default=None)
    entries_close_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (UniqueConstraint("release_id", "day"),)


class ReleaseGrant(Base):
    """A quota issued by a release round. ``(person, programme, category, month, slot)`` is
    unique and the slot runs 1..month_cap, so the database enforces the monthly cap (the
    daily one is the quota's own slot, its period being the day)."""

    __tablename__ = "quota_release_grants"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("quota_release_rounds.id"), index=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("quotas.id"), unique=True)
    person_key: Mapped[str] = mapped_column(String(64))
    programme_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    slot: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint(
            "person_key",
            "programme_id",
            "category",
            "month",
            "slot",
            name="uq_quota_release_grants_person_month_slot",
        ),
    )


class LotteryEntry(Base):
    """One person's entry in a lottery round; ``ticket`` is the public name of the entry
    (a keyed hash of the person, so the entry list can be published)."""

    __tablename__ = "quota_lottery_entries"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("quota_release_rounds.id"), index=True)
    person_key: Mapped[str] = mapped_column(String(64))
    consumer_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"))
    ticket: Mapped[str] = mapped_column(String(16))
    won: Mapped[bool] = mapped_column(default=False)
    quota_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("round_id", "person_key"),
        UniqueConstraint("round_id", "ticket"),
    )
