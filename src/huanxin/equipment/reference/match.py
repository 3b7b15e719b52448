"""Find the reference threshold row for one equipment record.

Owns the per-category matching rules: which record fields select which table row, and the
GB 19762-2025 clear-water and petrochemical pump formulas. Returns a ``Matched`` or a Chinese reason (``str``)
why no row applies; it never picks a neighbouring row to guess.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from huanxin.equipment.reference import Grades, ReferenceRules, Source

if TYPE_CHECKING:
    from huanxin.equipment.classify import EquipmentRecord

R = TypeVar("R")


@dataclass(frozen=True)
class Matched:
    """Thresholds that apply to one record, per grade."""

    kind: str  # category code
    indicator_zh: str
    unit: str
    higher_is_better: bool
    primary: Grades
    secondary: Grades | None  # transformers: load loss (primary is no-load loss)
    source: Source
    row_zh: str
    note: str = ""


def match_thresholds(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    """Return the thresholds for ``record`` or the reason none apply."""
    matchers: dict[str, Callable[[EquipmentRecord, ReferenceRules], Matched | str]] = {
        "motor": _motor,
        "transformer": _transformer,
        "air_compressor": _compressor,
        "fan": _fan,
        "industrial_boiler": _boiler,
        "pump": _pump,
        "petrochemical_pump": _petro_pump,
    }
    matcher = matchers.get(record.category)
    if matcher is None:
        return "该类别无参考数据"
    return matcher(record, rules)


def _missing(record: EquipmentRecord, names: dict[str, str]) -> str | None:
    absent = [zh for attr, zh in names.items() if getattr(record, attr) is None]
    return f"未填写{'、'.join(absent)}" if absent else None


def _one(rows: Sequence[R], what: str) -> R | str:
    if not rows:
        return f"{what}：参考表中无对应行"
    if len(rows) > 1:
        return f"{what}：参数不足以确定唯一参考行"
    return rows[0]


def _motor(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    missing = _missing(record, {"rated_power_kw": "额定功率", "poles": "极数"})
    if missing:
        return missing
    row = rules.motors.get((record.rated_power_kw or 0.0, record.poles or 0))
    if row is None:
        return f"额定功率{record.rated_power_kw:g} kW、{record.poles}极不在GB 18613-2020表1功率档中"
    desc = f"{row.source.standard} {row.source.table}：{row.rated_kw:g} kW，{row.poles}极"
    return Matched("motor", "效率", "%", True, row.eff, None, row.source, desc)


def _wild(row_value: str, value: str | None) -> bool:
    return row_value == "" or value is None or row_value == value


def _transformer(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    missing = _missing(
        record, {"voltage_kv": "电压等级", "transformer_kind": "变压器类型", "capacity": "额定容量"}
    )
    if missing:
        return missing
    rows = [
        r
        for r in rules.transformers
        if r.voltage_kv == record.voltage_kv
        and r.kind == record.transformer_kind
        and r.rated_kva == record.capacity
        and _wild(r.tap_changer, record.tap_changer)
        and _wild(r.core, record.core)
        and _wild(r.insulation, record.insulation)
        and (not r.connections or record.connection is None or record.connection in r.connections)
    ]
    what = f"{record.voltage_kv:g} kV {record.capacity:g} kVA 变压器"
    row = _one(rows, what)
    if isinstance(row, str):
        return row
    desc = f"{row.source.standard} {row.source.table}：{what}"
    return Matched(
        "transformer", "空载损耗", "kW", False, row.p0, row.pk, row.source, desc, row.note
    )


def _compressor(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    missing = _missing(
        record,
        {"rated_power_kw": "额定功率", "pressure_mpa": "额定排气压力", "cooling": "冷却方式"},
    )
    if missing:
        return missing
    key = (record.rated_power_kw or 0.0, record.pressure_mpa or 0.0, record.cooling or "")
    row = rules.compressors.get(key)
    if row is None:
        return (
            f"{key[0]:g} kW、{key[1]:g} MPa 空压机不在已收录的GB 19153-2019表1子集中"
            "（仅收录部分功率档的一般用喷油回转定频机型）"
        )
    desc = (
        f"{row.source.standard} {row.source.table}：{row.motor_kw:g} kW，{row.pressure_mpa:g} MPa"
    )
    return Matched("air_compressor", "比功率", "kW/(m³/min)", False, row.sp, None, row.source, desc)


def _fan(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    names = {"fan_kind": "风机类型", "fan_coefficient": "压力系数/轮毂比", "machine_no": "机号"}
    if record.fan_kind != "axial":
        names["specific_speed"] = "比转速"
    missing = _missing(record, names)
    if missing:
        return missing
    coeff, no = record.fan_coefficient or 0.0, record.machine_no or 0.0
    rows = [
        r
        for r in rules.fans
        if r.kind == record.fan_kind
        and r.coeff.contains(coeff)
        and (record.fan_kind == "axial" or r.ns.contains(record.specific_speed or 0.0))
        and r.machine_no.contains(no)
    ]
    row = _one(rows, f"通风机（系数{coeff:g}，机号No{no:g}）")
    if isinstance(row, str):
        return row
    desc = f"{row.source.standard} {row.source.table}：{row.kind}，机号No{no:g}"
    return Matched("fan", "效率", "%", True, row.eff, None, row.source, desc)


def _boiler(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    names = {"combustion": "燃烧方式", "fuel": "燃料", "capacity": "额定容量"}
    missing = _missing(record, names)
    if missing:
        return missing
    cap, unit = record.capacity or 0.0, record.capacity_unit
    rows = [
        r
        for r in rules.boilers
        if r.combustion == record.combustion
        and r.fuel == record.fuel
        and _wild(r.fuel_class, record.fuel_class)
        and (r.cap_t_h if unit == "t/h" else r.cap_mw).contains(cap)
    ]
    row = _one(rows, f"工业锅炉（{record.combustion}，{record.fuel}，{cap:g} {unit}）")
    if isinstance(row, str):
        return row
    kind = f"{row.combustion}/{row.fuel}/{row.fuel_class or '—'}"
    desc = f"{row.source.standard} {row.source.table}：{kind}"
    return Matched("industrial_boiler", "热效率", "%", True, row.eff, None, row.source, desc)


def pump_specific_speed(
    *, flow_m3h: float, head_m: float, speed_rpm: float, stages: int, double_suction: bool
) -> float:
    """ns = 3.65·n·√Q / H^0.75, Q in m³/s (halved for double suction), H per stage.

    >>> round(pump_specific_speed(flow_m3h=100, head_m=20, speed_rpm=2900, stages=1,
    ...                           double_suction=False), 1)
    186.5
    """
    q = flow_m3h / 3600 / (2 if double_suction else 1)
    return 3.65 * speed_rpm * math.sqrt(q) / float((head_m / stages) ** 0.75)


def pump_efficiency_thresholds(
    rules: ReferenceRules, *, pump_type: str, ns: float, flow_m3h: float
) -> Grades | str:
    """GB 19762-2025 clear-water formula, rounded to 0.1 %.

    >>> g = pump_efficiency_thresholds(load(), pump_type="end_suction", ns=100, flow_m3h=100)
    >>> (g.g1, g.g2, g.g3)
    (80.3, 78.3, 73.3)
    """
    rows = [r for r in rules.pump_ci if r.pump_type == pump_type and r.q.contains(flow_m3h)]
    row = _one(rows, f"{pump_type}（流量{flow_m3h:g} m³/h）")
    if isinstance(row, str):
        return row
    k = rules.pump_coefficients[row.formula_set]
    x, y = math.log(ns), math.log(flow_m3h)
    base = k.a * x * x + k.b * y * y + k.c * x * y + k.d * x + k.e * y
    values = [
        None if ci is None else round(base - ci, 1) for ci in (row.ci.g1, row.ci.g2, row.ci.g3)
    ]
    return Grades(*values)


def load() -> ReferenceRules:
    from huanxin.equipment.reference import load_rules

    return load_rules()


def _pump(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    names = {"pump_type": "泵类型", "flow_m3h": "流量", "head_m": "扬程", "speed_rpm": "转速"}
    missing = _missing(record, names)
    if missing:
        return missing
    ns = pump_specific_speed(
        flow_m3h=record.flow_m3h or 0.0,
        head_m=record.head_m or 0.0,
        speed_rpm=record.speed_rpm or 0.0,
        stages=record.stages or 1,
        double_suction=record.pump_type == "double_suction",
    )
    grades = pump_efficiency_thresholds(
        rules, pump_type=record.pump_type or "", ns=ns, flow_m3h=record.flow_m3h or 0.0
    )
    if isinstance(grades, str):
        return grades
    row = next(r for r in rules.pump_ci if r.pump_type == record.pump_type)
    desc = f"{row.source.standard} 清水离心泵效率公式：ns={ns:.1f}，Q={record.flow_m3h:g} m³/h"
    return Matched("pump", "效率", "%", True, grades, None, row.source, desc, PUMP_NOTE)


PUMP_NOTE = "GB 19762-2025（2026-03-01实施）；2024年版目录引用GB 19762-2007，判定结果需核对"
PETRO_Q_CAP = 3000.0  # η_b: flows above 3000 m³/h are evaluated at 3000 m³/h


def petro_pump_thresholds(
    rules: ReferenceRules, *, ns: float, flow_m3h: float, multistage: bool
) -> Grades | str:
    """GB 19762-2025 petrochemical pumps: grade i = η0 + offset_i, η0 = η_b(ln Q) − Δη(ns)
    (Δη = 0 for 120 ≤ ns ≤ 210), rounded to 0.1 %.

    >>> g = petro_pump_thresholds(load(), ns=150, flow_m3h=100, multistage=False)
    >>> (g.g1, g.g2, g.g3)
    (76.0, 74.0, 67.0)
    """
    formula_set = "multi" if multistage else "single"
    rows = [
        r
        for r in rules.petro_offsets
        if r.formula_set == formula_set and r.q.contains(flow_m3h) and r.ns.contains(ns)
    ]
    row = _one(rows, f"石油化工离心泵（流量{flow_m3h:g} m³/h，比转速{ns:.1f}）")
    if isinstance(row, str):
        return row
    polys = rules.petro_polynomials
    eta_b = polys[f"eta_b_{formula_set}"](math.log(min(flow_m3h, PETRO_Q_CAP)))
    delta = 0.0
    if row.uses_delta_eta:
        delta = polys["delta_eta_low" if ns < 120 else "delta_eta_high"](ns)
    eta0 = eta_b - delta
    offsets = (row.offset.g1, row.offset.g2, row.offset.g3)
    return Grades(*(None if o is None else round(eta0 + o, 1) for o in offsets))


def _petro_pump(record: EquipmentRecord, rules: ReferenceRules) -> Matched | str:
    names = {"flow_m3h": "流量", "head_m": "扬程", "speed_rpm": "转速"}
    missing = _missing(record, names)
    if missing:
        return missing
    stages = record.stages or 1
    ns = pump_specific_speed(
        flow_m3h=record.flow_m3h or 0.0,
        head_m=record.head_m or 0.0,
        speed_rpm=record.speed_rpm or 0.0,
        stages=stages,
        double_suction=record.pump_type == "double_suction",
    )
    grades = petro_pump_thresholds(
        rules, ns=ns, flow_m3h=record.flow_m3h or 0.0, multistage=stages > 1
    )
    if isinstance(grades, str):
        return grades
    source = rules.petro_offsets[0].source
    kind = "多级" if stages > 1 else "单级"
    desc = (
        f"{source.standard} 石油化工离心泵效率公式（{kind}）：ns={ns:.1f}，"
        f"Q={record.flow_m3h:g} m³/h"
    )
    note = PUMP_NOTE + "；石化泵比转速分段边界按Δη多项式适用范围取定，需核对标准原文"
    return Matched("petrochemical_pump", "效率", "%", True, grades, None, source, desc, note)
