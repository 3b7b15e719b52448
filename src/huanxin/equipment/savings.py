"""Estimated annual saving from upgrading one item of equipment to grade 2 or grade 1.

Owns the conversion factors (``ConversionFactors``, every default with its source) and the
screening formulas (the current value is the record's own indicator, else the threshold of
its nameplate grade; the new value is the target grade's threshold):

- motor: ΔE = P·LF·h·(100/η_old − 100/η_new)
- fan, pump: ΔE = P·LF·h·(1 − η_old/η_new)   (same air/water power, P ≈ shaft power)
- air compressor: ΔE = (SP_old − SP_new)·FAD·LF·h   (LF = share of loaded time)
- transformer: ΔE = [(P0_old − P0_new) + β²(Pk_old − Pk_new)]·h, β = LF
- fuel boiler: Δfuel = Q_out·LF·h·(100/η_old − 100/η_new), t/h converted at 0.7 MW

Electricity converts to standard coal at the equivalent value (当量值) by default; set
``kgce_per_kwh`` to a coal-consumption (等价值) factor to use that basis instead. Every default
factor, with its source and how sure we are of it, is in ``reference/factors.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from huanxin.equipment.classify import Classification, EquipmentRecord, values_of
from huanxin.equipment.reference.match import Matched


@cache
def _factor_file() -> dict[str, Any]:
    """``reference/factors.yaml``: every default factor with its source."""
    text = resources.files("huanxin.equipment.reference").joinpath("factors.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return data


def _fuel_factors() -> Mapping[str, float]:
    data = _factor_file()
    gj = float(data["gj_per_tce"]["value"])
    per_tj = data["fuel_kgco2_per_tj"]["values"]
    return MappingProxyType({k: round(float(v) * gj / 1e6, 2) for k, v in per_tj.items()})


def _default(key: str, part: str = "value") -> Any:
    return _factor_file()[key][part]


@dataclass(frozen=True)
class ConversionFactors:
    """Factors used to turn energy into standard coal and CO2; all configurable (defaults
    from ``reference/factors.yaml``, overridable per call, e.g. ``with_overrides``)."""

    kgce_per_kwh: float = field(default_factory=lambda: float(_default("electricity_kgce_per_kwh")))
    kgce_basis_zh: str = field(
        default_factory=lambda: str(_default("electricity_kgce_per_kwh", "basis_zh"))
    )
    grid_kgco2_per_kwh: float = field(default_factory=lambda: float(_default("grid_kgco2_per_kwh")))
    grid_basis_zh: str = field(
        default_factory=lambda: str(_default("grid_kgco2_per_kwh", "basis_zh"))
    )
    gj_per_tce: float = field(default_factory=lambda: float(_default("gj_per_tce")))
    mw_per_t_h: float = field(default_factory=lambda: float(_default("mw_per_t_h")))
    fuel_tco2_per_tce: Mapping[str, float] = field(default_factory=_fuel_factors)
    fuel_basis_zh: str = field(
        default_factory=lambda: str(_default("fuel_kgco2_per_tj", "basis_zh"))
    )

    def describe_zh(self) -> str:
        return "；".join((self.kgce_basis_zh, self.grid_basis_zh, self.fuel_basis_zh))

    def with_overrides(
        self, *, kgce_per_kwh: float | None = None, grid_kgco2_per_kwh: float | None = None
    ) -> ConversionFactors:
        """These factors with the electricity factors replaced; the basis text says so."""
        out = self
        if kgce_per_kwh is not None and kgce_per_kwh != self.kgce_per_kwh:
            out = replace(
                out,
                kgce_per_kwh=kgce_per_kwh,
                kgce_basis_zh=f"电力折标准煤按{kgce_per_kwh:g} kgce/kWh（调用方指定）",
            )
        if grid_kgco2_per_kwh is not None and grid_kgco2_per_kwh != self.grid_kgco2_per_kwh:
            out = replace(
                out,
                grid_kgco2_per_kwh=grid_kgco2_per_kwh,
                grid_basis_zh=f"电力二氧化碳排放因子按{grid_kgco2_per_kwh:g} kgCO2/kWh（调用方指定）",
            )
        return out


DEFAULT_FACTORS = ConversionFactors()


@dataclass(frozen=True)
class Saving:
    """Annual saving; kWh is electricity, tce includes fuel saved by boilers."""

    target_grade: int
    kwh: float
    tce: float
    tco2: float
    formula_zh: str
    factors_zh: str


def estimate_saving(
    record: EquipmentRecord,
    classification: Classification,
    *,
    target_grade: int,
    factors: ConversionFactors = DEFAULT_FACTORS,
) -> Saving | str:
    """Return the saving from upgrading to ``target_grade`` (1 or 2), or why it cannot be given."""
    if target_grade not in (1, 2):
        raise ValueError("target grade must be 1 or 2")
    m = classification.matched
    if m is None:
        return "无参考数据，无法估算节能量"
    if record.annual_hours is None or record.load_factor is None:
        return "未填写年运行小时或负载率，无法估算节能量"
    old, new = _current(record, m), _target(m, target_grade)
    if old is None or new is None:
        return f"缺少现状值或{target_grade}级参考值，无法估算节能量"
    if _already_meets(m, old, new):
        return Saving(
            target_grade, 0.0, 0.0, 0.0, "已达到目标等级，无节能量", factors.describe_zh()
        )
    return _compute(record, m, old, new, grade=target_grade, f=factors)


def _current(record: EquipmentRecord, m: Matched) -> tuple[float, ...] | None:
    own = values_of(record, m)
    if own is not None:
        return own
    return None if record.grade is None else _target(m, record.grade)


def _target(m: Matched, grade: int) -> tuple[float, ...] | None:
    first = m.primary.get(grade)
    if m.secondary is None:
        return None if first is None else (first,)
    second = m.secondary.get(grade)
    return None if first is None or second is None else (first, second)


def _already_meets(m: Matched, old: tuple[float, ...], new: tuple[float, ...]) -> bool:
    if m.higher_is_better:
        return all(o >= n for o, n in zip(old, new, strict=True))
    return all(o <= n for o, n in zip(old, new, strict=True))


def _compute(
    record: EquipmentRecord,
    m: Matched,
    old: tuple[float, ...],
    new: tuple[float, ...],
    *,
    grade: int,
    f: ConversionFactors,
) -> Saving | str:
    lf, h = record.load_factor or 0.0, record.annual_hours or 0.0
    power = record.rated_power_kw
    if m.kind == "industrial_boiler":
        return _boiler(record, old[0], new[0], grade, f)
    if m.kind == "transformer":
        kwh = (max(old[0] - new[0], 0.0) + lf * lf * max(old[1] - new[1], 0.0)) * h
        formula = "ΔE=[(P0旧−P0新)+β²(Pk旧−Pk新)]×h"
    elif m.kind == "air_compressor":
        if record.free_air_delivery_m3min is None:
            return "未填写排气量，无法估算节能量"
        kwh = (old[0] - new[0]) * record.free_air_delivery_m3min * lf * h
        formula = "ΔE=(比功率旧−比功率新)×排气量×负载率×h"
    elif power is None:
        return "未填写额定功率，无法估算节能量"
    elif m.kind == "motor":
        kwh = power * lf * h * (100 / old[0] - 100 / new[0])
        formula = "ΔE=P×负载率×h×(100/η旧−100/η新)"
    else:
        kwh = power * lf * h * (1 - old[0] / new[0])
        formula = "ΔE=P×负载率×h×(1−η旧/η新)"
    return _electric_saving(grade, kwh, formula, f)


def _electric_saving(grade: int, kwh: float, formula: str, f: ConversionFactors) -> Saving:
    return Saving(
        grade,
        round(kwh, 1),
        round(kwh * f.kgce_per_kwh / 1000, 3),
        round(kwh * f.grid_kgco2_per_kwh / 1000, 3),
        formula,
        f.describe_zh(),
    )


def _boiler(
    record: EquipmentRecord, old: float, new: float, grade: int, f: ConversionFactors
) -> Saving | str:
    if record.capacity is None or record.fuel not in f.fuel_tco2_per_tce:
        return "未填写容量或燃料不在排放因子表中，无法估算节能量"
    mw = record.capacity * (f.mw_per_t_h if record.capacity_unit == "t/h" else 1.0)
    heat_gj = mw * (record.load_factor or 0.0) * (record.annual_hours or 0.0) * 3.6
    fuel_gj = heat_gj * (100 / old - 100 / new)
    tce = fuel_gj / f.gj_per_tce
    return Saving(
        grade,
        0.0,
        round(tce, 3),
        round(tce * f.fuel_tco2_per_tce[record.fuel or ""], 3),
        f"Δ燃料=额定热功率×负载率×h×(100/η旧−100/η新)（t/h按{f.mw_per_t_h:g} MW折算）",
        f.describe_zh(),
    )
