"""Reference data for equipment energy-efficiency classification, and its loader.

Owns the threshold tables transcribed from the national standards named in the 2024 list
发改环资规〔2024〕127号 (CSV files next to this module, one row per table row, each citing its
standard, table, the 2024 list and the upstream source URL) and ``rules.yaml`` (categories,
level mapping, service-life rules, elimination-catalogue subset). ``load_rules()`` reads them
once into frozen dataclasses; nothing here reads ``/work/shared`` at run time.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeVar

import yaml

FlagKind = Literal["elimination", "renewal_candidate", "safety_assessment"]
T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """Where a threshold row comes from."""

    standard: str
    table: str
    policy: str
    url: str

    def label(self) -> str:
        return f"{self.standard} {self.table}；{self.policy}；{self.url}"


@dataclass(frozen=True)
class Grades:
    """One indicator's threshold per grade; ``None`` where the standard gives none."""

    g1: float | None
    g2: float | None
    g3: float | None

    def get(self, grade: int) -> float | None:
        return {1: self.g1, 2: self.g2, 3: self.g3}[grade]


@dataclass(frozen=True)
class Band:
    """A numeric interval; ``None`` bounds are open."""

    lo: float | None = None
    lo_incl: bool = False
    hi: float | None = None
    hi_incl: bool = False

    def contains(self, x: float) -> bool:
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_incl)):
            return False
        return not (self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_incl)))


@dataclass(frozen=True)
class MotorRow:
    rated_kw: float
    poles: int
    eff: Grades
    source: Source


@dataclass(frozen=True)
class TransformerRow:
    voltage_kv: float
    kind: str  # oil | dry
    tap_changer: str  # "" | off_circuit | on_load
    rated_kva: float
    core: str  # "" | electrical_steel | amorphous
    insulation: str  # "" | B | F | H
    connections: frozenset[str]  # empty = any connection
    p0: Grades
    pk: Grades
    source: Source
    note: str


@dataclass(frozen=True)
class CompressorRow:
    motor_kw: float
    pressure_mpa: float
    cooling: str  # air | liquid
    sp: Grades
    source: Source


@dataclass(frozen=True)
class FanRow:
    kind: str  # centrifugal | axial | external_rotor
    coeff: Band  # pressure coefficient psi, or hub ratio gamma for axial fans
    ns: Band
    machine_no: Band
    eff: Grades
    source: Source


@dataclass(frozen=True)
class BoilerRow:
    combustion: str
    fuel: str
    fuel_class: str
    cap_t_h: Band
    cap_mw: Band
    eff: Grades
    source: Source


@dataclass(frozen=True)
class PumpCiRow:
    pump_type: str
    formula_set: str  # single | multi
    q: Band
    ci: Grades
    source: Source


@dataclass(frozen=True)
class PumpCoefficients:
    formula_set: str
    a: float
    b: float
    c: float
    d: float
    e: float
    source: Source


@dataclass(frozen=True)
class PetroOffsetRow:
    """GB 19762-2025 petrochemical pumps: grade offsets (percentage points) to η0."""

    formula_set: str  # single | multi
    q: Band
    ns: Band
    uses_delta_eta: bool
    offset: Grades
    source: Source


@dataclass(frozen=True)
class Polynomial:
    """A 6th-order polynomial c6·x⁶ + … + c0 (coefficients highest power first)."""

    name: str
    variable: str  # ln_q | ns
    coefficients: tuple[float, ...]
    source: Source

    def __call__(self, x: float) -> float:
        value = 0.0
        for c in self.coefficients:
            value = value * x + c
        return value


@dataclass(frozen=True)
class Category:
    code: str
    name_zh: str
    aliases: tuple[str, ...]
    standard: str | None  # None: no threshold data


@dataclass(frozen=True)
class LifeRule:
    id: str
    category: str | None  # None: every category (the design-life rule)
    years: int | None  # None: the record's own design life
    flag: FlagKind
    name_zh: str
    source: str
    url: str


@dataclass(frozen=True)
class EliminationItem:
    id: str
    category: str
    name_zh: str
    auto: bool
    model_regex: str | None
    frame_min: int | None
    frame_max: int | None
    fuels: tuple[str, ...]
    cap_max_t_h: float | None
    cap_max_mw: float | None
    note_zh: str
    source: str
    url: str


@dataclass(frozen=True)
class Level:
    grade: int
    name_zh: str
    source: str
    url: str


@dataclass(frozen=True)
class ReferenceRules:
    """Everything the classifier needs, loaded from this package's data files."""

    levels: dict[str, Level]
    categories: dict[str, Category]
    motors: dict[tuple[float, int], MotorRow]
    transformers: tuple[TransformerRow, ...]
    compressors: dict[tuple[float, float, str], CompressorRow]
    fans: tuple[FanRow, ...]
    boilers: tuple[BoilerRow, ...]
    pump_ci: tuple[PumpCiRow, ...]
    pump_coefficients: dict[str, PumpCoefficients]
    petro_offsets: tuple[PetroOffsetRow, ...]
    petro_polynomials: dict[str, Polynomial]
    design_life_rule: LifeRule
    life_rules: tuple[LifeRule, ...]
    elimination: tuple[EliminationItem, ...]

    def category_by_label(self) -> dict[str, str]:
        """Map every accepted Chinese label and alias (and the code) to a category code."""
        out: dict[str, str] = {}
        for cat in self.categories.values():
            for label in (cat.code, cat.name_zh, *cat.aliases):
                out[label] = cat.code
        return out


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def _req(text: str) -> float:
    value = _num(text)
    if value is None:
        raise ValueError("missing required number in reference data")
    return value


def _grades(row: dict[str, str], prefix: str, suffix: str = "") -> Grades:
    return Grades(*(_num(row[f"{prefix}{g}{suffix}"]) for g in ("g1", "g2", "g3")))


def _band(row: dict[str, str], name: str, unit: str = "") -> Band:
    return Band(
        _num(row[f"{name}_min{unit}"]),
        row[f"{name}_min_incl"] == "true",
        _num(row[f"{name}_max{unit}"]),
        row[f"{name}_max_incl"] == "true",
    )


def _source(row: dict[str, str]) -> Source:
    return Source(row["standard"], row["standard_table"], row["policy"], row["source_url"])


def _table(name: str, build: Callable[[dict[str, str]], T]) -> tuple[T, ...]:
    return tuple(build(row) for row in _rows(name))


def _motor(r: dict[str, str]) -> MotorRow:
    return MotorRow(_req(r["rated_kw"]), int(r["poles"]), _grades(r, "eff_", "_pct"), _source(r))


def _transformer(r: dict[str, str]) -> TransformerRow:
    conns = frozenset(c for c in r["connections"].split("|") if c)
    return TransformerRow(
        voltage_kv=_req(r["voltage_kv"]),
        kind=r["kind"],
        tap_changer=r["tap_changer"],
        rated_kva=_req(r["rated_kva"]),
        core=r["core"],
        insulation=r["insulation"],
        connections=conns,
        p0=_grades(r, "p0_", "_kw"),
        pk=_grades(r, "pk_", "_kw"),
        source=_source(r),
        note=r["note"],
    )


def _compressor(r: dict[str, str]) -> CompressorRow:
    return CompressorRow(
        _req(r["motor_kw"]), _req(r["pressure_mpa"]), r["cooling"], _grades(r, "sp_"), _source(r)
    )


def _fan(r: dict[str, str]) -> FanRow:
    return FanRow(
        r["kind"],
        _band(r, "coeff"),
        _band(r, "ns"),
        _band(r, "machine_no"),
        _grades(r, "eff_", "_pct"),
        _source(r),
    )


def _boiler(r: dict[str, str]) -> BoilerRow:
    t_h = Band(_num(r["cap_min_excl_t_h"]), False, _num(r["cap_max_incl_t_h"]), True)
    mw = Band(_num(r["cap_min_excl_mw"]), False, _num(r["cap_max_incl_mw"]), True)
    return BoilerRow(
        r["combustion"], r["fuel"], r["fuel_class"], t_h, mw, _grades(r, "eff_", "_pct"), _source(r)
    )


def _pump_ci(r: dict[str, str]) -> PumpCiRow:
    q = Band(
        _num(r["q_min_m3h"]),
        r["q_min_incl"] == "true",
        _num(r["q_max_m3h"]),
        r["q_max_incl"] == "true",
    )
    return PumpCiRow(r["pump_type"], r["formula_set"], q, _grades(r, "ci_"), _source(r))


def _pump_coefficients(r: dict[str, str]) -> PumpCoefficients:
    a, b, c, d, e = (_req(r[k]) for k in "abcde")
    return PumpCoefficients(r["formula_set"], a, b, c, d, e, _source(r))


def _petro_offset(r: dict[str, str]) -> PetroOffsetRow:
    return PetroOffsetRow(
        r["formula_set"],
        _band(r, "q", "_m3h"),
        _band(r, "ns"),
        r["uses_delta_eta"] == "true",
        _grades(r, "offset_", "_pct"),
        _source(r),
    )


def _polynomial(r: dict[str, str]) -> Polynomial:
    coefficients = tuple(_req(r[f"c{k}"]) for k in range(6, -1, -1))
    return Polynomial(r["name"], r["variable"], coefficients, _source(r))


def _life_rule(d: dict[str, Any], *, category: str | None = None) -> LifeRule:
    return LifeRule(
        id=d["id"],
        category=d.get("category", category),
        years=d.get("years"),
        flag=d.get("flag", "safety_assessment"),
        name_zh=d["name_zh"],
        source=d["source"],
        url=d.get("url", ""),
    )


def _elimination(d: dict[str, Any], *, source: str, url: str) -> EliminationItem:
    return EliminationItem(
        id=d["id"],
        category=d["category"],
        name_zh=d["name_zh"],
        auto=bool(d["auto"]),
        model_regex=d.get("model_regex"),
        frame_min=d.get("frame_min"),
        frame_max=d.get("frame_max"),
        fuels=tuple(d.get("fuels", ())),
        cap_max_t_h=d.get("cap_max_t_h"),
        cap_max_mw=d.get("cap_max_mw"),
        note_zh=d.get("note_zh", ""),
        source=source,
        url=url,
    )


def _yaml() -> dict[str, Any]:
    text = resources.files(__name__).joinpath("rules.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _categories(data: dict[str, Any]) -> dict[str, Category]:
    return {
        code: Category(code, d["name_zh"], tuple(d.get("aliases", ())), d.get("standard"))
        for code, d in data["categories"].items()
    }


@cache
def load_rules() -> ReferenceRules:
    """Load and cache every reference table and rule of this package."""
    data = _yaml()
    cat = data["elimination_catalogue"]
    return ReferenceRules(
        levels={
            k: Level(v["grade"], v["name_zh"], v["source"], v["url"])
            for k, v in data["levels"].items()
        },
        categories=_categories(data),
        motors={(m.rated_kw, m.poles): m for m in _table("motor_gb18613_2020.csv", _motor)},
        transformers=_table("transformer_gb20052_2024.csv", _transformer),
        compressors={
            (c.motor_kw, c.pressure_mpa, c.cooling): c
            for c in _table("air_compressor_gb19153_2019.csv", _compressor)
        },
        fans=_table("fan_gb19761_2020.csv", _fan),
        boilers=_table("boiler_gb24500_2020.csv", _boiler),
        pump_ci=_table("pump_gb19762_2025_ci.csv", _pump_ci),
        pump_coefficients={
            p.formula_set: p
            for p in _table("pump_gb19762_2025_coefficients.csv", _pump_coefficients)
        },
        petro_offsets=_table("pump_gb19762_2025_petrochemical_offsets.csv", _petro_offset),
        petro_polynomials={
            p.name: p
            for p in _table("pump_gb19762_2025_petrochemical_polynomials.csv", _polynomial)
        },
        design_life_rule=_life_rule(data["design_life_rule"]),
        life_rules=tuple(_life_rule(d) for d in data["life_rules"]),
        elimination=tuple(
            _elimination(d, source=cat["source"], url=cat["url"]) for d in cat["items"]
        ),
    )


@cache
def load_ledger_columns() -> tuple[dict[str, Any], ...]:
    """The ledger import layout from ``ledger_columns.yaml``, in template order."""
    text = resources.files(__name__).joinpath("ledger_columns.yaml").read_text(encoding="utf-8")
    return tuple(yaml.safe_load(text)["columns"])
