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
``kgce_per_kwh`` to a coal-consumption (等价值) factor to use that basis instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from huanxin.equipment.classify import Classification, EquipmentRecord, values_of
from huanxin.equipment.reference.match import Matched

_FUEL_TCO2_PER_TCE: Mapping[str, float] = MappingProxyType(
    {
        # IPCC 2006 Guidelines Vol. 2 Table 1.4 default CO2 factors (kg/TJ) x 29.3076 GJ/tce
        "bituminous": 2.77,  # other bituminous coal 94 600 kg/TJ
        "lean": 2.77,
        "anthracite": 2.89,  # anthracite 98 300 kg/TJ
        "lignite": 2.96,  # lignite 101 000 kg/TJ
        "pulverized_coal": 2.77,
        "natural_gas": 1.64,  # natural gas 56 100 kg/TJ
        "oil": 2.27,  # residual fuel oil 77 400 kg/TJ
        "biomass": 0.0,  # biogenic CO2 reported as zero by convention
    }
)


@dataclass(frozen=True)
class ConversionFactors:
    """Factors used to turn energy into standard coal and CO2; all configurable."""

    kgce_per_kwh: float = 0.1229
    kgce_basis_zh: str = "电力折标准煤按当量值0.1229 kgce/kWh（GB/T 2589-2020《综合能耗计算通则》）"
    grid_kgco2_per_kwh: float = 0.5366
    grid_basis_zh: str = (
        "全国电力平均二氧化碳排放因子0.5366 kgCO2/kWh（2022年数据，"
        "生态环境部、国家统计局2024年发布）"
    )
    gj_per_tce: float = 29.3076  # 1 kgce = 29 307.6 kJ, GB/T 2589-2020
    mw_per_t_h: float = 0.7  # customary: 1 t/h steam ≈ 0.7 MW thermal
    fuel_tco2_per_tce: Mapping[str, float] = field(default_factory=lambda: _FUEL_TCO2_PER_TCE)
    fuel_basis_zh: str = "燃料排放因子按IPCC 2006国家温室气体清单指南第2卷表1.4缺省值折算"

    def describe_zh(self) -> str:
        return "；".join((self.kgce_basis_zh, self.grid_basis_zh, self.fuel_basis_zh))


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
        "Δ燃料=额定热功率×负载率×h×(100/η旧−100/η新)（t/h按0.7 MW折算）",
        f.describe_zh(),
    )
