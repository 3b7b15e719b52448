"""Request shapes of the recycling API. Weights are given in kg (converted to grams by the
service layer), times of day as ``HH:MM``, money is answered in fen."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from huanxin.recycling.catalogue import CATEGORIES, grams, parse_clock
from huanxin.recycling.service.bookings import BookingIn, ItemIn
from huanxin.recycling.service.completion import LineIn
from huanxin.recycling.service.flows import WeighingIn


class ItemCreate(BaseModel):
    category: str = Field(max_length=32)
    count: int = Field(ge=1, le=100)
    weight_kg: float
    condition: str = "intact"


class BookingCreate(BaseModel):
    address: str = Field(max_length=256)
    lat: float
    lon: float
    service_date: date
    window_start: str = Field(examples=["09:00"])
    window_end: str = Field(examples=["11:00"])
    items: list[ItemCreate] = Field(max_length=20)

    def to_new(self) -> BookingIn:
        items = [
            ItemIn(i.category, i.count, grams(i.weight_kg, field=f"items[{n}].weight_kg"),
                   i.condition if i.category in _APPLIANCES else "any")
            for n, i in enumerate(self.items)
        ]  # fmt: skip
        return BookingIn(self.address, self.lat, self.lon, self.service_date,
                         parse_clock(self.window_start, field="window_start"),
                         parse_clock(self.window_end, field="window_end"), items)  # fmt: skip


class PlanCreate(BaseModel):
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    service_date: date
    seconds: float = Field(default=3.0, ge=0.2, le=60)


class LineCreate(BaseModel):
    category: str = Field(max_length=32)
    condition: str = "intact"
    units: int = Field(default=1, ge=1, le=100)
    weight_kg: float


class PickupComplete(BaseModel):
    lines: list[LineCreate] = Field(max_length=40)
    payment_method: str
    payment_ref: str = Field(default="", max_length=64)
    site_id: int | None = None
    completed_on: date | None = None

    def to_lines(self) -> list[LineIn]:
        return [LineIn(x.category, x.condition if x.category in _APPLIANCES else "any", x.units,
                       grams(x.weight_kg, field=f"lines[{n}].weight_kg"))
                for n, x in enumerate(self.lines)]  # fmt: skip


class InvoiceCreate(BaseModel):
    seller_name: str = Field(max_length=64)
    seller_resident_id: str = Field(max_length=18)


class SiteCreate(BaseModel):
    org_id: int
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    tier: str
    name: str = Field(max_length=128)
    lat: float
    lon: float
    opens: str = "08:00"
    closes: str = "18:00"
    capacity_kg_day: int
    licence_no: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=256)


class VehicleCreate(BaseModel):
    home_site_id: int
    plate: str = Field(max_length=16)
    capacity_kg: int
    capacity_m3: float
    shift_start: str = "08:00"
    shift_end: str = "17:00"


class VehicleUpdate(VehicleCreate):
    active: bool = True


class PriceCreate(BaseModel):
    category: str
    condition: str = "any"
    price_fen: int


class PriceListCreate(BaseModel):
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    effective_from: date
    prices: list[PriceCreate] = Field(max_length=200)
    note: str = Field(default="", max_length=256)


class AreaSet(BaseModel):
    center_lat: float
    center_lon: float
    radius_m: int
    source: str = Field(default="", max_length=256)


class WeighingCreate(BaseModel):
    site_id: int
    direction: str
    on_date: date
    kind: str
    category: str = Field(default="", max_length=32)
    units: int = Field(default=0, ge=0)
    weight_kg: float
    counterpart_site_id: int | None = None
    vehicle_plate: str = Field(default="", max_length=16)
    vin: str | None = Field(default=None, max_length=17)
    elv_cert_no: str | None = Field(default=None, max_length=40)

    def to_new(self) -> WeighingIn:
        data = self.model_dump(exclude={"weight_kg"})
        return WeighingIn(**data, weight_g=grams(self.weight_kg, field="weight_kg"))


class DeclarationCreate(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$")


class BaselineSet(BaseModel):
    jurisdiction_code: str = Field(min_length=6, max_length=6)
    kind: str
    units: int
    weight_kg: int
    source: str = Field(default="", max_length=256)


_APPLIANCES = {c.code for c in CATEGORIES.values() if c.kind == "appliance"}
