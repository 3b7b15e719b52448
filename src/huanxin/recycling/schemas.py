"""Request shapes of the recycling API. Weights are given in kg (converted to grams by the
service layer), times of day as ``HH:MM``, money is answered in fen."""

from __future__ import annotations

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
from huanxin.recycling.catalogue import CATEGORIES, grams, parse_clock
from huanxin.recycling.service.bookings import BookingIn, ItemIn
from huanxin.recycling.service.completion import LineIn
from huanxin.recycling.service.flows import WeighingIn


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


class BaselineSet(BaseModel):
    jurisdiction_code: Code = Field(min_length=6, max_length=6)
    kind: Code
    units: Count
    weight_kg: Count
    source: Code = Field(default="", max_length=256)


_APPLIANCES = {c.code for c in CATEGORIES.values() if c.kind == "appliance"}
