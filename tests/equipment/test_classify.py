"""Classification per category, with values straddling each threshold."""

from __future__ import annotations

import dataclasses

import pytest

from huanxin.equipment.classify import NO_DATA_ZH, EquipmentRecord, classify
from huanxin.equipment.reference import LifeRule, load_rules
from huanxin.equipment.reference.match import pump_efficiency_thresholds, pump_specific_speed

YEAR = 2025


def kinds(record: EquipmentRecord) -> list[str]:
    return sorted(f.kind for f in classify(record, year=YEAR).flags)


def motor(eff: float | None, **kw: object) -> EquipmentRecord:
    base: dict[str, object] = {
        "rated_power_kw": 11,
        "poles": 4,
        "efficiency_pct": eff,
        "commissioning_year": 2020,
    }
    return EquipmentRecord("M1", "motor", **(base | kw))  # type: ignore[arg-type]


# GB 18613-2020, 11 kW 4-pole: grade 1/2/3 = 94.6 / 93.3 / 91.4 %
@pytest.mark.parametrize(
    ("eff", "expected", "grade"),
    [
        (91.3, ["elimination"], None),
        (91.4, ["renewal_candidate"], 3),
        (93.2, ["renewal_candidate"], 3),
        (93.3, [], 2),
        (94.5, [], 2),
        (94.6, [], 1),
    ],
)
def test_motor_thresholds(eff: float, expected: list[str], grade: int | None) -> None:
    result = classify(motor(eff), year=YEAR)
    assert sorted(f.kind for f in result.flags) == expected
    assert result.grade == grade
    assert result.assessed


def test_motor_flag_names_rule_threshold_and_source() -> None:
    flag = classify(motor(91.3), year=YEAR).flags[0]
    assert flag.rule == "efficiency.below_access"
    assert flag.threshold.startswith("效率≥91.4%（3级，准入水平；GB 18613-2020 表1：11 kW，4极）")
    assert flag.actual == "铭牌效率91.3%"
    assert "GB 18613-2020" in flag.source
    assert "发改环资规〔2024〕127号" in flag.source
    assert "github.com/adgo07/EquipEffi" in flag.source
    renewal = classify(motor(92.0, efficiency_measured=True), year=YEAR).flags[0]
    assert renewal.threshold.startswith("效率≥93.3%（2级，节能水平")
    assert renewal.actual == "实测效率92%"


def test_motor_nameplate_grade_when_no_efficiency() -> None:
    assert kinds(motor(None, grade=3)) == ["renewal_candidate"]
    assert kinds(motor(None, grade=2)) == []
    result = classify(motor(None, grade=3), year=YEAR)
    assert result.flags[0].actual == "铭牌能效等级3级"


def test_motor_power_not_in_table_is_not_guessed() -> None:
    result = classify(motor(80.0, rated_power_kw=12), year=YEAR)
    assert result.flags == ()
    assert not result.assessed
    assert result.notes == (f"额定功率12 kW、4极不在GB 18613-2020表1功率档中；{NO_DATA_ZH}",)


def test_motor_without_efficiency_or_grade_says_so() -> None:
    result = classify(motor(None), year=YEAR)
    assert result.flags == () and not result.assessed
    assert result.notes == ("未填写效率或铭牌能效等级，无法判定能效",)


def transformer(p0: float, pk: float, **kw: object) -> EquipmentRecord:
    base: dict[str, object] = {
        "capacity": 30,
        "capacity_unit": "kVA",
        "voltage_kv": 10,
        "transformer_kind": "oil",
        "core": "electrical_steel",
        "connection": "Dyn11",
        "no_load_loss_kw": p0,
        "load_loss_kw": pk,
    }
    return EquipmentRecord("T1", "transformer", 2020, **(base | kw))  # type: ignore[arg-type]


# GB 20052-2024 表1, 10 kV oil, steel, 30 kVA Dyn11: P0 0.065/0.07/0.08, Pk 0.455/0.505/0.63
@pytest.mark.parametrize(
    ("p0", "pk", "expected"),
    [
        (0.081, 0.60, ["elimination"]),
        (0.075, 0.631, ["elimination"]),
        (0.08, 0.63, ["renewal_candidate"]),
        (0.07, 0.506, ["renewal_candidate"]),
        (0.071, 0.505, ["renewal_candidate"]),
        (0.07, 0.505, []),
    ],
)
def test_transformer_both_losses(p0: float, pk: float, expected: list[str]) -> None:
    assert kinds(transformer(p0, pk)) == expected


def test_transformer_grade_one_and_threshold_text() -> None:
    assert classify(transformer(0.065, 0.455), year=YEAR).grade == 1
    flag = classify(transformer(0.08, 0.63), year=YEAR).flags[0]
    assert flag.threshold.startswith("空载损耗≤0.07kW且负载损耗≤0.505kW（2级")


def test_transformer_630_kva_single_load_loss_applies_to_dyn11() -> None:
    # From 630 kVA the source gives one load-loss value (Yyn0) for every connection.
    result = classify(transformer(0.57, 6.2, capacity=630), year=YEAR)
    assert result.kinds() == {"renewal_candidate"}
    assert any("全部联结组别" in n for n in result.notes)


def test_transformer_ambiguous_row_is_not_guessed() -> None:
    result = classify(transformer(0.08, 0.63, core=None), year=YEAR)
    assert result.flags == ()
    assert result.notes == (f"10 kV 30 kVA 变压器：参数不足以确定唯一参考行；{NO_DATA_ZH}",)


def compressor(sp: float) -> EquipmentRecord:
    return EquipmentRecord(
        "C1",
        "air_compressor",
        2020,
        rated_power_kw=1.5,
        pressure_mpa=0.7,
        cooling="air",
        specific_power=sp,
    )


# GB 19153-2019 表1, 1.5 kW, 0.7 MPa, air-cooled: 8.8 / 9.7 / 11.0 kW/(m3/min)
@pytest.mark.parametrize(
    ("sp", "expected", "grade"),
    [
        (11.01, ["elimination"], None),
        (11.0, ["renewal_candidate"], 3),
        (9.71, ["renewal_candidate"], 3),
        (9.7, [], 2),
        (8.8, [], 1),
    ],
)
def test_compressor_specific_power(sp: float, expected: list[str], grade: int | None) -> None:
    result = classify(compressor(sp), year=YEAR)
    assert sorted(result.kinds()) == expected
    assert result.grade == grade


def test_compressor_not_in_subset() -> None:
    record = dataclasses.replace(compressor(9.0), rated_power_kw=37)
    result = classify(record, year=YEAR)
    assert result.flags == () and not result.assessed
    assert "GB 19153-2019" in result.notes[0] and result.notes[0].endswith(NO_DATA_ZH)


def fan(eff: float, **kw: object) -> EquipmentRecord:
    base: dict[str, object] = {
        "fan_kind": "centrifugal",
        "fan_coefficient": 1.4,
        "specific_speed": 50,
        "machine_no": 3,
        "efficiency_pct": eff,
    }
    return EquipmentRecord("F1", "fan", 2020, **(base | kw))  # type: ignore[arg-type]


# GB 19761-2020 表1, 1.35<=psi<1.55, 45<ns<=65, No2.5<N<=No3.5: 62 / 59 / 46 %
@pytest.mark.parametrize(
    ("eff", "expected"),
    [(45.9, ["elimination"]), (46, ["renewal_candidate"]), (58.9, ["renewal_candidate"]), (59, [])],
)
def test_fan_centrifugal(eff: float, expected: list[str]) -> None:
    assert kinds(fan(eff)) == expected


def test_fan_band_edges_and_axial() -> None:
    # machine number 3.5 belongs to No2.5<N<=No3.5 (g3 46), 3.6 to No3.5<N<=No4.5 (g3 49)
    assert kinds(fan(47, machine_no=3.5)) == ["renewal_candidate"]
    assert kinds(fan(47, machine_no=3.6)) == ["elimination"]
    # 表3 axial, gamma<0.3, No2.5<=N<No5: 69 / 66 / 55
    axial = {"fan_kind": "axial", "fan_coefficient": 0.2, "specific_speed": None}
    assert kinds(fan(54.9, **axial)) == ["elimination"]
    assert kinds(fan(55, **axial)) == ["renewal_candidate"]
    assert kinds(fan(66, **axial)) == []


def boiler(eff: float, **kw: object) -> EquipmentRecord:
    base: dict[str, object] = {
        "capacity": 20,
        "capacity_unit": "t/h",
        "combustion": "layer",
        "fuel": "bituminous",
        "fuel_class": "II",
        "efficiency_pct": eff,
    }
    return EquipmentRecord("B1", "industrial_boiler", 2020, **(base | kw))  # type: ignore[arg-type]


# GB 24500-2020 表1, layer bituminous II: D<=20 t/h 85/82/80; D>20 t/h 86/83/81
@pytest.mark.parametrize(
    ("eff", "cap", "unit", "expected"),
    [
        (79.9, 20, "t/h", ["elimination"]),
        (80.0, 20, "t/h", ["renewal_candidate"]),
        (82.0, 20, "t/h", []),
        (80.0, 20.5, "t/h", ["elimination"]),
        (81.0, 20.5, "t/h", ["renewal_candidate"]),
        (80.0, 14, "MW", ["renewal_candidate"]),
        (80.0, 14.1, "MW", ["elimination"]),
    ],
)
def test_boiler_capacity_bands(eff: float, cap: float, unit: str, expected: list[str]) -> None:
    assert kinds(boiler(eff, capacity=cap, capacity_unit=unit)) == expected


def test_boiler_condensing_gas_and_electric() -> None:
    gas = {"combustion": "chamber", "fuel": "natural_gas", "fuel_class": "condensing"}
    assert kinds(boiler(97.9, **gas)) == ["elimination"]  # 103 / 101 / 98
    assert kinds(boiler(100.9, **gas)) == ["renewal_candidate"]
    assert kinds(boiler(101.0, **gas)) == []
    electric = {"combustion": "electric", "fuel": "electricity", "fuel_class": None}
    assert kinds(boiler(96.9, **electric)) == ["elimination"]  # only 97 % (clause 5.2)
    result = classify(boiler(97.0, **electric), year=YEAR)
    assert result.flags == ()
    assert result.notes == ("该标准无节能水平（2级）参考数据，无法判定是否达到节能水平",)


def test_boiler_catalogue_coal_10t() -> None:
    result = classify(boiler(86.0, capacity=10), year=YEAR)
    assert [f.rule for f in result.flags] == ["catalogue.boiler_coal_10t"]
    assert result.grade == 1
    assert classify(boiler(86.0, capacity=10.5), year=YEAR).flags == ()
    biomass = {"combustion": "biomass", "fuel": "biomass", "fuel_class": None, "capacity": 2}
    assert [f.rule for f in classify(boiler(90.0, **biomass), year=YEAR).flags] == [
        "catalogue.boiler_biomass_2t"
    ]


def test_pump_formula_example_from_reference() -> None:
    g = pump_efficiency_thresholds(load_rules(), pump_type="end_suction", ns=100, flow_m3h=100)
    assert not isinstance(g, str)
    assert (g.g1, g.g2, g.g3) == (80.3, 78.3, 73.3)


def test_pump_thresholds_straddled() -> None:
    ns = pump_specific_speed(
        flow_m3h=100, head_m=20, speed_rpm=2900, stages=1, double_suction=False
    )
    g = pump_efficiency_thresholds(load_rules(), pump_type="end_suction", ns=ns, flow_m3h=100)
    assert not isinstance(g, str) and g.g2 is not None and g.g3 is not None
    base = {"pump_type": "end_suction", "flow_m3h": 100, "head_m": 20, "speed_rpm": 2900}

    def pump(eff: float) -> EquipmentRecord:
        return EquipmentRecord("P1", "pump", 2020, efficiency_pct=eff, **base)  # type: ignore[arg-type]

    assert kinds(pump(round(g.g3 - 0.1, 1))) == ["elimination"]
    assert kinds(pump(g.g3)) == ["renewal_candidate"]
    assert kinds(pump(g.g2)) == []
    assert "GB 19762-2025" in classify(pump(g.g2), year=YEAR).notes[0]


def test_pump_flow_outside_table() -> None:
    record = EquipmentRecord(
        "P2",
        "pump",
        2020,
        pump_type="end_suction",
        flow_m3h=3,
        head_m=20,
        speed_rpm=2900,
        efficiency_pct=50,
    )
    result = classify(record, year=YEAR)
    assert result.flags == ()
    assert result.notes == (f"end_suction（流量3 m³/h）：参考表中无对应行；{NO_DATA_ZH}",)


@pytest.mark.parametrize(
    ("category", "name"),
    [
        ("room_air_conditioner", "房间空气调节器"),
        ("pressure_vessel", "压力容器"),
        ("other", "其他设备"),
    ],
)
def test_no_reference_data_says_so(category: str, name: str) -> None:
    result = classify(EquipmentRecord("X", category, 2024, efficiency_pct=50), year=YEAR)
    assert result.flags == ()
    assert not result.assessed
    assert result.notes == (f"{name}：{NO_DATA_ZH}",)


def test_design_life_boundary() -> None:
    assert kinds(motor(95.0, design_life_years=15, commissioning_year=2010)) == []
    flags = classify(motor(95.0, design_life_years=15, commissioning_year=2009), year=YEAR).flags
    assert [(f.kind, f.rule, f.threshold, f.actual) for f in flags] == [
        ("safety_assessment", "life.past_design_life", "使用年限>15年", "已使用16年")
    ]


def test_category_life_rules() -> None:
    def vessel(year: int) -> EquipmentRecord:
        return EquipmentRecord("V", "pressure_vessel", year)

    assert kinds(vessel(2005)) == []
    assert [f.rule for f in classify(vessel(2004), year=YEAR).flags] == ["life.pressure_vessel_20y"]
    tool = EquipmentRecord("K", "machine_tool", 2014)
    assert [(f.kind, f.rule) for f in classify(tool, year=YEAR).flags] == [
        ("renewal_candidate", "life.machine_tool_10y")
    ]
    assert kinds(dataclasses.replace(tool, commissioning_year=2015)) == []


def test_life_rules_are_configurable() -> None:
    rule = LifeRule("motor_5y", "motor", 5, "safety_assessment", "电机超过5年", "测试规则", "")
    rules = dataclasses.replace(load_rules(), life_rules=(rule,))
    flags = classify(motor(95.0, commissioning_year=2019), year=YEAR, rules=rules).flags
    assert [(f.rule, f.source) for f in flags] == [("life.motor_5y", "测试规则")]
    assert classify(motor(95.0, commissioning_year=2020), year=YEAR, rules=rules).flags == ()


@pytest.mark.parametrize(
    ("model", "flagged"),
    [
        ("YB160M-4", True),
        ("YB355S-4", True),
        ("YB400-4", False),
        ("YB2-160M-4", False),
        ("YBF160M-4", True),
        ("YBF180M-4", False),
        ("YBK90L-4", False),
        ("YBK100L-4", True),
        ("YE3-160M-4", False),
    ],
)
def test_elimination_catalogue_motor_series(model: str, flagged: bool) -> None:
    rules = [f.rule for f in classify(motor(95.0, model=model), year=YEAR).flags]
    assert (rules != []) is flagged
    assert all(r.startswith("catalogue.motor_yb") for r in rules)


def test_catalogue_fans_and_compressors() -> None:
    assert kinds(fan(70, model="9-27-101No5A")) == ["elimination"]
    assert kinds(fan(70, model="4-72No5A")) == []
    assert kinds(dataclasses.replace(compressor(9.0), model="L-10/8")) == ["elimination"]


def test_scrapped_equipment_is_not_flagged() -> None:
    result = classify(motor(80.0, status="已报废", design_life_years=1), year=YEAR)
    assert result.flags == ()
    assert result.notes == ("设备已报废，不再判定",)


def test_petrochemical_pump_formula_by_hand() -> None:
    """η0 = η_b(ln Q) − Δη(ns); Δη = 0 for 120 ≤ ns ≤ 210; grade i = η0 + offset_i."""
    import math

    from huanxin.equipment.reference.match import petro_pump_thresholds

    rules = load_rules()
    poly = rules.petro_polynomials
    eta_b = poly["eta_b_single"](math.log(100))
    g = petro_pump_thresholds(rules, ns=150, flow_m3h=100, multistage=False)
    assert not isinstance(g, str)
    assert (g.g1, g.g2, g.g3) == tuple(round(eta_b + o, 1) for o in (3, 1, -6))
    low = petro_pump_thresholds(rules, ns=80, flow_m3h=100, multistage=False)
    assert not isinstance(low, str)
    assert low.g2 == round(eta_b - poly["delta_eta_low"](80) + 1, 1)
    assert isinstance(petro_pump_thresholds(rules, ns=10, flow_m3h=100, multistage=False), str)
    assert isinstance(petro_pump_thresholds(rules, ns=150, flow_m3h=4, multistage=False), str)


def test_petrochemical_pump_thresholds_straddled() -> None:
    from huanxin.equipment.reference.match import petro_pump_thresholds

    base = {"flow_m3h": 100, "head_m": 20, "speed_rpm": 2900}
    ns = pump_specific_speed(
        flow_m3h=100, head_m=20, speed_rpm=2900, stages=1, double_suction=False
    )
    g = petro_pump_thresholds(load_rules(), ns=ns, flow_m3h=100, multistage=False)
    assert not isinstance(g, str) and g.g2 is not None and g.g3 is not None

    def pump(eff: float) -> EquipmentRecord:
        return EquipmentRecord("P2", "petrochemical_pump", 2020, efficiency_pct=eff, **base)  # type: ignore[arg-type]

    assert kinds(pump(round(g.g3 - 0.1, 1))) == ["elimination"]
    assert kinds(pump(g.g3)) == ["renewal_candidate"]
    assert kinds(pump(g.g2)) == []
    flag = classify(pump(round(g.g3 - 0.1, 1)), year=YEAR).flags[0]
    assert "石油化工离心泵" in flag.threshold and "GB 19762-2025" in flag.source


@pytest.mark.parametrize("label", ["服务器", "数据中心", "通信基站", "光伏组件", "空调", "冰箱"])
def test_categories_without_numbers_say_so(label: str) -> None:
    code = load_rules().category_by_label()[label]
    result = classify(EquipmentRecord("X", code, 2020, efficiency_pct=50.0), year=YEAR)
    assert not result.assessed and result.grade is None
    assert any(NO_DATA_ZH in n for n in result.notes)
    assert not {f.kind for f in result.flags} & {"elimination", "renewal_candidate"}
