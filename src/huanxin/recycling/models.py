"""Tables of the recycling domain: the three-tier network (sites, vehicles, service areas,
price lists), doorstep bookings, stored dispatch plans, completed pickups with their
reverse invoices and recycling certificates, onward weighings, monthly declarations and
the 2023 indicator baselines.

Weights are integer grams, money integer fen, times of day seconds since local midnight.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from huanxin.core.models import ID
from huanxin.db import Base


class Site(Base):
    """A place of the network: drop-off point, transfer station, sorting centre or
    licensed vehicle dismantler, owned by a recycler organisation."""

    __tablename__ = "recycling_sites"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    tier: Mapped[str] = mapped_column(String(16))  # dropoff | transfer | sorting | dismantler
    name: Mapped[str] = mapped_column(String(128), unique=True)
    address: Mapped[str] = mapped_column(String(256), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    opens_s: Mapped[int] = mapped_column(Integer)
    closes_s: Mapped[int] = mapped_column(Integer)
    capacity_kg_day: Mapped[int] = mapped_column(BigInteger)
    licence_no: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Vehicle(Base):
    """A collection vehicle based at a transfer station, with its shift window."""

    __tablename__ = "recycling_vehicles"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    home_site_id: Mapped[int] = mapped_column(ForeignKey("recycling_sites.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    capacity_kg: Mapped[int] = mapped_column(Integer)
    capacity_m3: Mapped[float] = mapped_column(Float)
    shift_start_s: Mapped[int] = mapped_column(Integer)
    shift_end_s: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceArea(Base):
    """Where bookings of a jurisdiction may be picked up: a centre and a radius."""

    __tablename__ = "recycling_service_areas"

    jurisdiction_code: Mapped[str] = mapped_column(
        ForeignKey("jurisdictions.code"), primary_key=True
    )
    center_lat: Mapped[float] = mapped_column(Float)
    center_lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(256), default="")


class PriceList(Base):
    """A version of a jurisdiction's buying prices, in force from ``effective_from``."""

    __tablename__ = "recycling_price_lists"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "effective_from"),)


class PriceItem(Base):
    """One price: per kg for a material, per unit for an appliance in a condition."""

    __tablename__ = "recycling_price_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("recycling_price_lists.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str] = mapped_column(String(16))  # intact | damaged | parts | any
    price_fen: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("price_list_id", "category", "condition"),)


class Booking(Base):
    """A consumer's doorstep pickup request."""

    __tablename__ = "recycling_bookings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    consumer_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    address: Mapped[str] = mapped_column(String(256))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    window_start_s: Mapped[int] = mapped_column(Integer)
    window_end_s: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)  # states.BookingState
    quote_fen: Mapped[int] = mapped_column(BigInteger)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("recycling_price_lists.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    phone_enc: Mapped[str | None] = mapped_column(Text, default=None)  # sealed contact mobile


class BookingItem(Base):
    __tablename__ = "recycling_booking_items"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("recycling_bookings.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    est_weight_g: Mapped[int] = mapped_column(BigInteger)
    quote_fen: Mapped[int] = mapped_column(BigInteger)


class Plan(Base):
    """The stored dispatch plan of one jurisdiction and day; ``revision`` grows with each
    live insertion."""

    __tablename__ = "recycling_plans"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    service_date: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    feasible: Mapped[bool] = mapped_column(Boolean, default=True)
    distance_m: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("jurisdiction_code", "service_date"),)


class PlanRoute(Base):
    __tablename__ = "recycling_plan_routes"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("recycling_plans.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("recycling_vehicles.id"), index=True)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[int] = mapped_column(BigInteger)


class PlanStop(Base):
    """An ordered stop of a route: a pickup (``booking_id``) or an unloading (``site_id``)."""

    __tablename__ = "recycling_plan_stops"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("recycling_plan_routes.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # pickup | unload
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("recycling_bookings.id"), index=True, default=None
    )
    site_id: Mapped[int | None] = mapped_column(ForeignKey("recycling_sites.id"), default=None)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    arrival_s: Mapped[int] = mapped_column(Integer)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    load_kg: Mapped[float] = mapped_column(Float)
    load_m3: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("route_id", "seq"),)


class PlanUnserved(Base):
    """A booking the plan could not serve, with the solver's reason."""

    __tablename__ = "recycling_plan_unserved"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("recycling_plans.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("recycling_bookings.id"))
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(128))

    __table_args__ = (UniqueConstraint("plan_id", "booking_id"),)


class Pickup(Base):
    """A completed pickup: what was weighed, paid and where it was delivered."""

    __tablename__ = "recycling_pickups"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("recycling_bookings.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("recycling_sites.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    completed_on: Mapped[date] = mapped_column(Date, index=True)
    weight_g: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    payment_method: Mapped[str] = mapped_column(String(16))  # cash | wechat | alipay | bank
    payment_ref: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PickupLine(Base):
    __tablename__ = "recycling_pickup_lines"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    pickup_id: Mapped[int] = mapped_column(ForeignKey("recycling_pickups.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str] = mapped_column(String(16))
    units: Mapped[int] = mapped_column(Integer)
    weight_g: Mapped[int] = mapped_column(BigInteger)
    price_fen: Mapped[int] = mapped_column(BigInteger)


class ReverseInvoice(Base):
    """反向开票: the recycler's invoice to the natural-person seller of a pickup."""

    __tablename__ = "recycling_reverse_invoices"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    pickup_id: Mapped[int] = mapped_column(ForeignKey("recycling_pickups.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    seller_name_enc: Mapped[str] = mapped_column(Text)
    seller_id_enc: Mapped[str] = mapped_column(Text)
    seller_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[date] = mapped_column(Date)
    rule_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InvoiceSeller(Base):
    """One row per natural-person seller (keyed lookup hash of the resident ID): the lock
    taken before a reverse invoice to that person is checked against the limit, so two
    concurrent invoices cannot both pass, with running totals for reference."""

    __tablename__ = "recycling_invoice_sellers"

    seller_id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    invoices: Mapped[int] = mapped_column(Integer, default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    last_issued_on: Mapped[date | None] = mapped_column(Date, default=None)


class Certificate(Base):
    """A recycling certificate (one per appliance unit handed in), usable once by a claim."""

    __tablename__ = "recycling_certificates"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    pickup_id: Mapped[int] = mapped_column(ForeignKey("recycling_pickups.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    weight_g: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[date] = mapped_column(Date)
    used_claim_ref: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Weighing(Base):
    """An inbound or outbound weighing at a site; end-of-life vehicles carry their VIN and
    scrapping certificate (报废机动车回收证明) number."""

    __tablename__ = "recycling_weighings"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("recycling_sites.id"), index=True)
    direction: Mapped[str] = mapped_column(String(4))  # in | out
    on_date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # appliances | elv | material
    category: Mapped[str] = mapped_column(String(32))
    units: Mapped[int] = mapped_column(Integer)
    weight_g: Mapped[int] = mapped_column(BigInteger)
    counterpart_site_id: Mapped[int | None] = mapped_column(
        ForeignKey("recycling_sites.id"), default=None
    )
    vehicle_plate: Mapped[str] = mapped_column(String(16), default="")
    vin: Mapped[str | None] = mapped_column(String(17), default=None)
    elv_cert_no: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Declaration(Base):
    """The electronic recycling declaration of a recycler for one month (figures frozen)."""

    __tablename__ = "recycling_declarations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    body: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("org_id", "month"),)


class IndicatorBaseline(Base):
    """The baseline year's recovered units and weight for a jurisdiction, entered as data."""

    __tablename__ = "recycling_baselines"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # appliances | elv
    year: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(BigInteger)
    weight_kg: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(256), default="")

    __table_args__ = (UniqueConstraint("jurisdiction_code", "kind", "year"),)


class AddressEntry(Base):
    """One entry of a jurisdiction's address book: 乡镇/街道 → 村/社区 → 小区 or 门牌
    range, with its coordinates (entered by the office, never by a resident) and the
    pinyin initials of the whole name for search."""

    __tablename__ = "recycling_addresses"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdictions.code"), index=True)
    township: Mapped[str] = mapped_column(String(64))
    village: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    initials: Mapped[str] = mapped_column(String(128), default="")

    __table_args__ = (UniqueConstraint("jurisdiction_code", "township", "village", "place"),)

    @property
    def label(self) -> str:
        return f"{self.township}{self.village}{self.place}"
