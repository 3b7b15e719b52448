"""The schema of a subsidy programme file (``policies/*.yaml``) as Pydantic v2 models.

One file is one *version* of one programme: ``(id, version)`` is unique across the shipped
files. Money is integer fen, rates are basis points (1 bp = 0.01 %). A parsed
:class:`Programme` dumps to JSON and back without loss (``Programme.model_validate_json(
p.model_dump_json()) == p``), so the database can keep the exact version a claim was
computed under and recompute it later.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

NATIONAL_CODE = "100000"
"""Jurisdiction code used for national programmes (not a GB/T 2260 code; no province uses 10)."""

JurisdictionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Fen = Annotated[int, Field(ge=0)]
BasisPoints = Annotated[int, Field(ge=0, le=10_000)]
Label = Annotated[str, StringConstraints(min_length=1)]


class Frozen(BaseModel):
    """Base: unknown keys are refused, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Confidence(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class Level(StrEnum):
    national = "national"
    province = "province"
    city = "city"
    county = "county"


class Layer(StrEnum):
    """A funding layer; the order here is the tie-break order of the remainder rule."""

    central = "central"
    province = "province"
    city = "city"
    county = "county"


LAYER_LABELS: dict[Layer, str] = {
    Layer.central: "中央",
    Layer.province: "省级",
    Layer.city: "市级",
    Layer.county: "县级",
}


class Region(StrEnum):
    east = "east"
    central = "central"
    west = "west"


# Fiscal region of each province (first two digits of the GB/T 2260 code), as used by the
# central share of 85 % east / 90 % central / 95 % west. Liaoning counts as east, Jilin and
# Heilongjiang as central. Shanxi (14) is central, Shandong (37) is east.
REGION_BY_PROVINCE: dict[str, Region] = {
    **dict.fromkeys(
        ["11", "12", "13", "21", "31", "32", "33", "35", "37", "44", "46"], Region.east
    ),
    **dict.fromkeys(["14", "22", "23", "34", "36", "41", "42", "43"], Region.central),
    **dict.fromkeys(
        ["15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"], Region.west
    ),
}


class PaymentMode(StrEnum):
    point_of_sale = "point_of_sale"  # 支付立减
    post_purchase = "post_purchase"  # 先买后补：事后申请


class Fuel(StrEnum):
    petrol = "petrol"
    diesel = "diesel"
    other = "other"
    nev = "nev"


class NewVehicle(StrEnum):
    nev = "nev"  # in the MIIT purchase-tax exemption catalogue
    fuel = "fuel"


class QuotaOnReturn(StrEnum):
    consumed = "consumed"  # a return still uses up the quota
    restored = "restored"


class RedemptionArea(StrEnum):
    """Where a merchant must be registered to redeem a quota of the programme."""

    quota = "quota"  # the jurisdiction that issued the quota (the consumer's)
    programme = "programme"  # anywhere in the programme's own area


class QuotaPeriod(StrEnum):
    programme = "programme"  # the effective period of the version
    calendar_year = "calendar_year"


class NationalKey(StrEnum):
    """A key that must be unique across every province (claimed at the national registry)."""

    person_category_period = "person_category_period"  # one person, one category, one period
    device_serial = "device_serial"
    vin = "vin"
    recycling_certificate = "recycling_certificate"


class WhenUnreachable(StrEnum):
    """What a sale does when the national registry cannot be reached."""

    refuse = "refuse"  # no sale until the registry answers
    hold = "hold"  # accept, keep the claim out of payment until the key is confirmed


class National(Frozen):
    """Keys of this programme that are unique nationally, and the outage rule."""

    keys: list[NationalKey] = Field(min_length=1)
    when_unreachable: WhenUnreachable = WhenUnreachable.refuse


class Source(Frozen):
    """A legal or documentary source of the rule: document number or title, address, confidence."""

    document: Label
    url: str | None = None
    confidence: Confidence
    note: str | None = None


class Jurisdiction(Frozen):
    code: JurisdictionCode
    level: Level
    name: Label

    @model_validator(mode="after")
    def _national_code(self) -> Self:
        if (self.level is Level.national) != (self.code == NATIONAL_CODE):
            raise ValueError(f"national level goes with code {NATIONAL_CODE} and only with it")
        return self


class Period(Frozen):
    """Closed date interval; ``end`` None means open-ended."""

    start: date
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class OldVehicleRule(Frozen):
    """One accepted kind of old vehicle: fuels, emission standard ceiling, latest registration."""

    fuels: list[Fuel] = Field(min_length=1)
    max_emission_standard: Annotated[int, Field(ge=1, le=6)] | None = None  # 国III = 3
    registered_on_or_before: date


class AttrCondition(Frozen):
    """The item attribute ``attr`` must take one of ``any_of``; ``label`` names it in Chinese."""

    attr: Label
    label: Label
    any_of: list[str] = Field(min_length=1)


class Eligibility(Frozen):
    min_grade: Annotated[int, Field(ge=1, le=5)] | None = None  # grade N or better (1 best)
    max_price_fen: Fen | None = None
    old_vehicle_any_of: list[OldVehicleRule] = []
    new_vehicle: list[NewVehicle] = []
    max_fuel_displacement_ml: Annotated[int, Field(gt=0)] | None = None
    owned_before: date | None = None  # old vehicle registered to the applicant before this day
    residency_required: bool = False
    catalogue_required: bool = False
    old_item_handover_required: bool = False
    require: list[AttrCondition] = []


class PriceBand(Frozen):
    """Fixed amount for prices in ``[min_price_fen, max_price_fen)``; None = unbounded."""

    min_price_fen: Fen = 0
    max_price_fen: Fen | None = None
    amount_fen: Fen


class AmountRule(Frozen):
    """One way to compute the amount; applies when every ``when`` attribute matches.

    Exactly one method: ``rate_bp`` (percent of price, plus ``extra_rate_by_grade_bp``),
    ``fixed_fen``, ``per_unit_fen`` (× quantity) or ``bands``. ``cap_fen`` caps the result.
    """

    label: Label
    when: dict[str, str] = {}
    rate_bp: BasisPoints | None = None
    extra_rate_by_grade_bp: dict[int, BasisPoints] = {}
    fixed_fen: Fen | None = None
    per_unit_fen: Fen | None = None
    unit: str = "件"
    bands: list[PriceBand] = []
    cap_fen: Fen | None = None

    @model_validator(mode="after")
    def _one_method(self) -> Self:
        methods = [self.rate_bp, self.fixed_fen, self.per_unit_fen, self.bands or None]
        if sum(m is not None for m in methods) != 1:
            raise ValueError("give exactly one of rate_bp, fixed_fen, per_unit_fen, bands")
        if self.extra_rate_by_grade_bp and self.rate_bp is None:
            raise ValueError("extra_rate_by_grade_bp needs rate_bp")
        return self._check_bands()

    def _check_bands(self) -> Self:
        for low, high in zip(self.bands, self.bands[1:], strict=False):
            if low.max_price_fen is None or low.max_price_fen > high.min_price_fen:
                raise ValueError("price bands must be ascending and not overlap")
        return self


class Category(Frozen):
    """A category (品类) with optional overrides of the programme's eligibility and amount."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Label
    eligibility: Eligibility | None = None
    amount: list[AmountRule] | None = None


class Quota(Frozen):
    per_person_per_category: Annotated[int, Field(ge=1)] = 1
    period: QuotaPeriod = QuotaPeriod.programme
    overrides: dict[str, Annotated[int, Field(ge=1)]] = {}
    redemption_area: RedemptionArea = RedemptionArea.quota

    def limit(self, category: str) -> int:
        return self.overrides.get(category, self.per_person_per_category)


class Returns(Frozen):
    window_days: Annotated[int, Field(ge=0)]
    quota_on_return: QuotaOnReturn = QuotaOnReturn.consumed


Split = dict[Layer, BasisPoints]


def _check_split(split: Split) -> None:
    if sum(split.values()) != 10_000:
        raise ValueError(f"funding split must sum to 10000 bp, got {sum(split.values())}")


class Funding(Frozen):
    """Who pays, in bp of the amount. Most specific wins: jurisdiction > region > default."""

    default: Split
    by_region: dict[Region, Split] = {}
    by_jurisdiction: dict[JurisdictionCode, Split] = {}
    source: Source | None = None

    @model_validator(mode="after")
    def _sums(self) -> Self:
        for split in [self.default, *self.by_region.values(), *self.by_jurisdiction.values()]:
            _check_split(split)
        return self

    def split_for(self, path: list[str]) -> Split:
        """Split for a jurisdiction path (province first)."""
        for code in reversed(path):
            if code in self.by_jurisdiction:
                return self.by_jurisdiction[code]
        region = REGION_BY_PROVINCE.get(path[0][:2]) if path else None
        if region is not None and region in self.by_region:
            return self.by_region[region]
        return self.default


class Evidence(Frozen):
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Label


class ReviewLimits(Frozen):
    accept_days: Annotated[int, Field(ge=0)] | None = None
    review_days: Annotated[int, Field(ge=0)] | None = None
    pay_days: Annotated[int, Field(ge=0)] | None = None
    working_days: bool = True


class Programme(Frozen):
    """One version of a subsidy programme, as stored in one YAML file."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.\-]*$")]
    version: Annotated[int, Field(ge=1)]
    title: Label
    published: date
    sources: list[Source] = Field(min_length=1)
    jurisdiction: Jurisdiction
    effective: Period
    application_deadline: date | None = None
    payment_mode: PaymentMode
    categories: list[Category] = Field(min_length=1)
    eligibility: Eligibility = Eligibility()
    amount: list[AmountRule] = []
    quota: Quota | None = None
    returns: Returns | None = None
    stacks_on: list[str] = []
    excludes: list[str] = []
    funding: Funding
    evidence: list[Evidence] = []
    review: ReviewLimits | None = None
    # left out of the stored JSON when absent, so versions stored before it keep their digest
    national: National | None = Field(default=None, exclude_if=lambda v: v is None)

    @model_validator(mode="after")
    def _amounts_defined(self) -> Self:
        codes = [c.code for c in self.categories]
        if len(set(codes)) != len(codes):
            raise ValueError("category codes must be unique")
        missing = [c.code for c in self.categories if not (c.amount or self.amount)]
        if missing:
            raise ValueError(f"no amount rule for categories {missing}")
        return self

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def eligibility_for(self, category: Category) -> Eligibility:
        return category.eligibility or self.eligibility

    def amount_for(self, category: Category) -> list[AmountRule]:
        return category.amount or self.amount
