"""Request shapes of the recycling API. Weights are given in kg (converted to grams by the
service layer), times of day as ``HH:MM``, money is answered in fen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from huanxin.core.bounds import (
    Code,
    Count,
    Day,
    Fen,
    Id,
    Latitude,
    Line,
    Longitude,
    Name,
    Quantity,
    Text,
)
from huanxin.recycling.service.bookings import BookingIn, ItemIn
from huanxin.recycling.service.completion import LineIn
from huanxin.recycling.service.flows import WeighingIn
from huanxin.recycling.vocab import CATEGORIES, grams, parse_clock


class ItemCreate(BaseModel):
    category: Code = Field(max_length=32)
    count: Count = Field(ge=1, le=100)
    weight_kg: Quantity
    condition: Line = "intact"


class BookingCreate(BaseModel):
    address: Line = Field(max_length=256)
    lat: Latitude
    lon: Longitude
    service_date: Day
    window_start: Line = Field(examples=["09:00"])
    window_end: Line = Field(examples=["11:00"])
    items: list[ItemCreate] = Field(max_length=20)

    def to_new(self) -> BookingIn:
        items = [
            ItemIn(
                i.category,
                i.count,
                grams(i.weight_kg, field=f"items[{n}].weight_kg"),
                i.condition if i.category in _APPLIANCES else "any",
            )
            for n, i in enumerate(self.items)
        ]
        return BookingIn(
            self.address,
            self.lat,
            self.lon,
            self.service_date,
            parse_clock(self.window_start, field="window_start"),
            parse_clock(self.window_end, field="window_end"),
            items,
        )


class PlanCreate(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    service_date: Day
    seconds: Quantity = Field(default=3.0, ge=0.2, le=60)


class LineCreate(BaseModel):
    category: Code = Field(max_length=32)
    condition: Line = "intact"
    units: Count = Field(default=1, ge=1, le=100)
    weight_kg: Quantity


class PickupComplete(BaseModel):
    lines: list[LineCreate] = Field(max_length=40)
    payment_method: Line
    payment_ref: Line = Field(default="", max_length=64)
    site_id: Id | None = None
    completed_on: Day | None = None
    early_reason: Line = Field(default="", max_length=200)

    def to_lines(self) -> list[LineIn]:
        return [
            LineIn(
                x.category,
                x.condition if x.category in _APPLIANCES else "any",
                x.units,
                grams(x.weight_kg, field=f"lines[{n}].weight_kg"),
            )
            for n, x in enumerate(self.lines)
        ]


class InvoiceCreate(BaseModel):
    seller_name: Name = Field(max_length=64)
    seller_resident_id: Code = Field(max_length=18)


class SiteCreate(BaseModel):
    org_id: Id
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    tier: Line
    name: Name = Field(max_length=128)
    lat: Latitude
    lon: Longitude
    opens: Line = "08:00"
    closes: Line = "18:00"
    capacity_kg_day: Count
    licence_no: Code = Field(default="", max_length=64)
    address: Line = Field(default="", max_length=256)


class VehicleCreate(BaseModel):
    home_site_id: Id
    plate: Line = Field(max_length=16)
    capacity_kg: Count
    capacity_m3: Quantity
    shift_start: Line = "08:00"
    shift_end: Line = "17:00"


class VehicleUpdate(VehicleCreate):
    active: bool = True


class PriceCreate(BaseModel):
    category: Code
    condition: Line = "any"
    price_fen: Fen


class PriceListCreate(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    effective_from: Day
    prices: list[PriceCreate] = Field(max_length=200)
    note: Text = Field(default="", max_length=256)


class AreaSet(BaseModel):
    center_lat: Latitude
    center_lon: Longitude
    radius_m: Count
    source: Code = Field(default="", max_length=256)


class WeighingCreate(BaseModel):
    site_id: Id
    direction: Code
    on_date: Day
    kind: Code
    category: Code = Field(default="", max_length=32)
    units: Count = Field(default=0, ge=0)
    weight_kg: Quantity
    counterpart_site_id: Id | None = None
    vehicle_plate: Code = Field(default="", max_length=16)
    vin: Code | None = Field(default=None, max_length=17)
    elv_cert_no: Code | None = Field(default=None, max_length=40)

    def to_new(self) -> WeighingIn:
        data = self.model_dump(exclude={"weight_kg"})
        return WeighingIn(**data, weight_g=grams(self.weight_kg, field="weight_kg"))


class DeclarationCreate(BaseModel):
    month: Line = Field(pattern=r"^\d{4}-\d{2}$")


class RecyclingBaselineSet(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    kind: Code
    units: Count
    weight_kg: Count
    source: Code = Field(default="", max_length=256)


_APPLIANCES = {c.code for c in CATEGORIES.values() if c.kind == "appliance"}


# --- answers ------------------------------------------------------------------------------


class QuoteRead(BaseModel):
    lines_fen: list[int]
    total_fen: int


class BookingItemRead(BaseModel):
    category: str
    label: str
    condition: str
    count: int
    est_weight_kg: str
    quote_fen: int


class BookingRead(BaseModel):
    id: int
    status: str
    status_label: str
    jurisdiction_code: str
    address: str
    lat: float
    lon: float
    service_date: str
    window: str
    quote_fen: int
    items: list[BookingItemRead]


class StopRead(BaseModel):
    seq: int
    kind: str
    booking_id: int | None
    site_id: int | None
    lat: float
    lon: float
    arrival_s: int
    start_s: int
    end_s: int
    load_kg: float


class RouteRead(BaseModel):
    vehicle_id: int
    plate: str
    start_s: int
    end_s: int
    distance_m: int
    stops: list[StopRead]


class UnservedRead(BaseModel):
    booking_id: int
    code: str
    reason: str


class RoutePlanRead(BaseModel):
    id: int
    jurisdiction_code: str
    service_date: str
    revision: int
    feasible: bool
    distance_m: int
    routes: list[RouteRead]
    unserved: list[UnservedRead]


class IssuedCertificate(BaseModel):
    number: str
    code: str


class PickupRead(BaseModel):
    pickup_id: int
    paid_fen: int
    weight_g: int
    site_id: int
    certificates: list[IssuedCertificate]


class InvoiceRead(BaseModel):
    number: str
    amount_fen: int
    issued_on: str
    rule_id: str


class CertificateCheck(BaseModel):
    """The public check of a recycling certificate: no personal fields."""

    number: str
    category: str
    category_label: str
    weight_kg: str
    issued_on: str
    jurisdiction_code: str
    used: bool


class SiteRead(BaseModel):
    id: int
    org_id: int
    jurisdiction_code: str
    tier: str
    name: str
    lat: float
    lon: float
    opens_s: int
    closes_s: int
    capacity_kg_day: int
    licence_no: str
    address: str


class VehicleRead(BaseModel):
    id: int
    org_id: int
    home_site_id: int
    plate: str
    capacity_kg: int
    capacity_m3: float
    shift_start_s: int
    shift_end_s: int
    active: bool


class PriceListCreated(BaseModel):
    id: int
    effective_from: str


class PriceRead(BaseModel):
    category: str
    condition: str
    price_fen: int


class PriceListRead(BaseModel):
    id: int
    jurisdiction_code: str
    effective_from: str
    note: str
    prices: list[PriceRead]


class AreaRead(BaseModel):
    jurisdiction_code: str
    radius_m: int


class WeighingRead(BaseModel):
    id: int
    site_id: int
    weight_g: int


class MassBalanceRow(BaseModel):
    site_id: int
    site: str
    tier: str
    month: str
    collected_g: int
    delivered_g: int
    loss_pct: float | None


class DeclarationCreated(BaseModel):
    id: int
    month: str
    body: dict[str, Any]


class DeclarationRead(DeclarationCreated):
    org_id: int


class BaselineRead(BaseModel):
    id: int
    units: int
    weight_kg: int


class IndicatorRow(BaseModel):
    month: str
    units: int
    tonnes: float
    baseline_units: float | None
    baseline_tonnes: float | None
    change_pct: float | None
