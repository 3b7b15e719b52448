"""Savings arithmetic with the stated conversion factors."""

from __future__ import annotations

import dataclasses

import pytest

from huanxin.equipment.classify import EquipmentRecord, classify
from huanxin.equipment.savings import DEFAULT_FACTORS, ConversionFactors, Saving, estimate_saving

YEAR = 2025


def saving(record: EquipmentRecord, grade: int, **kw: object) -> Saving | str:
    result = classify(record, year=YEAR)
    return estimate_saving(record, result, target_grade=grade, **kw)  # type: ignore[arg-type]


MOTOR = EquipmentRecord(
    "M",
    "motor",
    2020,
    rated_power_kw=11,
    poles=4,
    efficiency_pct=91.4,
    annual_hours=6000,
    load_factor=0.75,
)


def test_default_factors_are_stated() -> None:
    assert DEFAULT_FACTORS.kgce_per_kwh == 0.1229
    assert (
        "当量值" in DEFAULT_FACTORS.kgce_basis_zh
        and "GB/T 2589-2020" in DEFAULT_FACTORS.kgce_basis_zh
    )
    assert DEFAULT_FACTORS.grid_kgco2_per_kwh == 0.5366
    assert "2022年" in DEFAULT_FACTORS.grid_basis_zh


@pytest.mark.parametrize(("grade", "eta_new"), [(1, 94.6), (2, 93.3)])
def test_motor_upgrade(grade: int, eta_new: float) -> None:
    result = saving(MOTOR, grade)
    assert isinstance(result, Saving)
    kwh = 11 * 0.75 * 6000 * (100 / 91.4 - 100 / eta_new)
    assert result.kwh == round(kwh, 1)
    assert result.tce == round(kwh * 0.1229 / 1000, 3)
    assert result.tco2 == round(kwh * 0.5366 / 1000, 3)
    assert result.factors_zh == DEFAULT_FACTORS.describe_zh()


def test_reference_worked_example() -> None:
    # README of the reference data: 11 kW 4-pole, LF 0.75, 6000 h, grade 3 -> 1: ≈ 1832 kWh/yr
    result = saving(MOTOR, 1)
    assert isinstance(result, Saving) and round(result.kwh) == 1832


def test_configurable_factors() -> None:
    factors = ConversionFactors(kgce_per_kwh=0.3, grid_kgco2_per_kwh=0.6)
    result = saving(MOTOR, 2, factors=factors)
    assert isinstance(result, Saving)
    assert result.tce == round(result.kwh * 0.3 / 1000, 3)
    assert result.tco2 == round(result.kwh * 0.6 / 1000, 3)


def test_nameplate_grade_uses_grade_threshold() -> None:
    record = dataclasses.replace(MOTOR, efficiency_pct=None, grade=3)
    assert saving(record, 1) == saving(MOTOR, 1)


def test_already_at_target_saves_nothing() -> None:
    result = saving(dataclasses.replace(MOTOR, efficiency_pct=94.0), 2)
    assert isinstance(result, Saving) and (result.kwh, result.tce, result.tco2) == (0.0, 0.0, 0.0)


def test_missing_inputs_give_reason() -> None:
    assert saving(dataclasses.replace(MOTOR, annual_hours=None), 2) == (
        "未填写年运行小时或负载率，无法估算节能量"
    )
    aircon = EquipmentRecord("A", "room_air_conditioner", 2020, annual_hours=100, load_factor=1)
    assert saving(aircon, 2) == "无参考数据，无法估算节能量"
    with pytest.raises(ValueError, match="target grade"):
        saving(MOTOR, 3)


def test_transformer_losses() -> None:
    # 10 kV oil steel 30 kVA Dyn11: grade 1 P0 0.065 Pk 0.455
    record = EquipmentRecord(
        "T",
        "transformer",
        2020,
        capacity=30,
        capacity_unit="kVA",
        voltage_kv=10,
        transformer_kind="oil",
        core="electrical_steel",
        connection="Dyn11",
        no_load_loss_kw=0.08,
        load_loss_kw=0.63,
        annual_hours=8760,
        load_factor=0.5,
    )
    result = saving(record, 1)
    assert isinstance(result, Saving)
    assert result.kwh == round(((0.08 - 0.065) + 0.25 * (0.63 - 0.455)) * 8760, 1)


def test_compressor_specific_power() -> None:
    record = EquipmentRecord(
        "C",
        "air_compressor",
        2020,
        rated_power_kw=1.5,
        pressure_mpa=0.7,
        cooling="air",
        specific_power=11.0,
        free_air_delivery_m3min=0.15,
        annual_hours=4000,
        load_factor=0.8,
    )
    result = saving(record, 2)  # grade 2: 9.7
    assert isinstance(result, Saving)
    assert result.kwh == round((11.0 - 9.7) * 0.15 * 0.8 * 4000, 1)
    no_fad = dataclasses.replace(record, free_air_delivery_m3min=None)
    assert saving(no_fad, 2) == "未填写排气量，无法估算节能量"


def test_fan_ratio_formula() -> None:
    record = EquipmentRecord(
        "F",
        "fan",
        2020,
        rated_power_kw=30,
        fan_kind="centrifugal",
        fan_coefficient=1.4,
        specific_speed=50,
        machine_no=3,
        efficiency_pct=50,
        annual_hours=5000,
        load_factor=0.7,
    )
    result = saving(record, 2)  # grade 2: 59 %
    assert isinstance(result, Saving)
    assert result.kwh == round(30 * 0.7 * 5000 * (1 - 50 / 59), 1)


def test_coal_boiler_fuel_saving() -> None:
    record = EquipmentRecord(
        "B",
        "industrial_boiler",
        2020,
        capacity=20,
        capacity_unit="t/h",
        combustion="layer",
        fuel="bituminous",
        fuel_class="II",
        efficiency_pct=80,
        annual_hours=5000,
        load_factor=0.6,
    )
    result = saving(record, 2)  # grade 2: 82 %
    assert isinstance(result, Saving)
    fuel_gj = 20 * 0.7 * 0.6 * 5000 * 3.6 * (100 / 80 - 100 / 82)
    assert result.kwh == 0.0
    assert result.tce == round(fuel_gj / 29.3076, 3)
    assert result.tco2 == round(fuel_gj / 29.3076 * 2.77, 3)
