"""Classification of one equipment record against the 2024 efficiency levels and life rules.

Owns ``EquipmentRecord`` (the fields classification needs), ``Flag``/``Classification`` and
``classify``. Pure: no database, no I/O beyond the cached reference data.

Rules (发改环资规〔2024〕127号, mapping in ``reference/rules.yaml``):
below grade 3 (准入水平) -> ``elimination``; grade 3 but not grade 2 (节能水平) ->
``renewal_candidate``; age past design life, or a per-category life rule -> the rule's flag
(``safety_assessment`` by default). A model in the elimination-catalogue subset -> ``elimination``.
Below-access equipment gets the elimination flag only (it is also below the energy-saving level).
Equipment with status 已报废 is not classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huanxin.equipment.reference import (
    EliminationItem,
    FlagKind,
    Grades,
    LifeRule,
    ReferenceRules,
    load_rules,
)
from huanxin.equipment.reference.match import Matched, match_thresholds

NO_DATA_ZH = "无参考数据，无法判定能效"
SCRAPPED = "已报废"


@dataclass(frozen=True)
class EquipmentRecord:
    """One ledger row. Units: kW, kVA, %, MPa, m³/min, m³/h, m, r/min; load factor 0-1."""

    equipment_id: str
    category: str  # code from reference/rules.yaml, e.g. "motor"
    commissioning_year: int
    model: str = ""
    status: str = "在用"
    rated_power_kw: float | None = None
    capacity: float | None = None  # transformer kVA, boiler t/h or MW
    capacity_unit: str | None = None  # "kVA" | "t/h" | "MW"
    efficiency_pct: float | None = None  # nameplate or measured (motor, fan, pump, boiler)
    efficiency_measured: bool = False  # True: measured; False: nameplate
    grade: int | None = None  # nameplate grade 1-3 under the current standard
    design_life_years: int | None = None
    annual_hours: float | None = None
    load_factor: float | None = None
    # motor
    poles: int | None = None
    # transformer
    voltage_kv: float | None = None
    transformer_kind: str | None = None  # oil | dry
    tap_changer: str | None = None  # off_circuit | on_load (35 kV)
    core: str | None = None  # electrical_steel | amorphous
    insulation: str | None = None  # B | F | H (dry-type)
    connection: str | None = None  # Dyn11 | Yzn11 | Yyn0
    no_load_loss_kw: float | None = None
    load_loss_kw: float | None = None
    # air compressor
    pressure_mpa: float | None = None
    cooling: str | None = None  # air | liquid
    specific_power: float | None = None  # kW/(m³/min)
    free_air_delivery_m3min: float | None = None
    # fan
    fan_kind: str | None = None  # centrifugal | axial | external_rotor
    fan_coefficient: float | None = None  # pressure coefficient psi, hub ratio gamma (axial)
    specific_speed: float | None = None  # fan ns
    machine_no: float | None = None
    # pump
    pump_type: str | None = None  # end_suction | double_suction | inline | multistage | ...
    flow_m3h: float | None = None
    head_m: float | None = None
    speed_rpm: float | None = None
    stages: int | None = None
    # boiler
    combustion: str | None = None  # layer | fluidized | biomass | chamber | electric
    fuel: str | None = None
    fuel_class: str | None = None  # I | II | III | condensing | non_condensing


@dataclass(frozen=True)
class Flag:
    """One finding: what to do, which rule, the threshold and where the rule comes from."""

    kind: FlagKind
    rule: str
    rule_zh: str
    threshold: str
    actual: str
    source: str


@dataclass(frozen=True)
class Classification:
    equipment_id: str
    category: str
    grade: int | None  # best grade met; None: below grade 3 or not assessable
    assessed: bool  # efficiency could be judged against reference data
    flags: tuple[Flag, ...] = ()
    notes: tuple[str, ...] = ()
    matched: Matched | None = field(default=None, compare=False)

    def kinds(self) -> set[str]:
        return {f.kind for f in self.flags}


def classify(
    record: EquipmentRecord, *, year: int, rules: ReferenceRules | None = None
) -> Classification:
    """Classify ``record`` as of ``year`` (used for its age)."""
    rules = rules or load_rules()
    if record.status == SCRAPPED:
        return Classification(
            record.equipment_id, record.category, None, False, (), ("设备已报废，不再判定",)
        )
    flags: list[Flag] = []
    notes: list[str] = []
    matched = _efficiency(record, rules, flags, notes)
    flags.extend(_catalogue_flags(record, rules))
    flags.extend(_life_flags(record, rules, year=year))
    return Classification(
        record.equipment_id,
        record.category,
        _grade(record, matched) if matched else None,
        matched is not None and _has_indicator(record, matched),
        tuple(flags),
        tuple(notes),
        matched,
    )


def _no_data(rules: ReferenceRules, record: EquipmentRecord) -> str | None:
    cat = rules.categories.get(record.category)
    if cat is None or cat.standard is None:
        name = cat.name_zh if cat else record.category
        return f"{name}：{NO_DATA_ZH}"
    return None


def _efficiency(
    record: EquipmentRecord, rules: ReferenceRules, flags: list[Flag], notes: list[str]
) -> Matched | None:
    no_data = _no_data(rules, record)
    if no_data:
        notes.append(no_data)
        return None
    found = match_thresholds(record, rules)
    if isinstance(found, str):
        notes.append(f"{found}；{NO_DATA_ZH}")
        return None
    notes.extend(n for n in (found.note,) if n)
    if not _has_indicator(record, found):
        notes.append(f"未填写{found.indicator_zh}或铭牌能效等级，无法判定能效")
        return found
    flags.extend(_level_flags(record, found, rules, notes))
    return found


def _has_indicator(record: EquipmentRecord, m: Matched) -> bool:
    return values_of(record, m) is not None or record.grade is not None


def values_of(record: EquipmentRecord, m: Matched) -> tuple[float, ...] | None:
    """The record's own indicator values, or None when any is missing."""
    if m.kind == "transformer":
        pair = (record.no_load_loss_kw, record.load_loss_kw)
        return None if pair[0] is None or pair[1] is None else (pair[0], pair[1])
    value = record.specific_power if m.kind == "air_compressor" else record.efficiency_pct
    return None if value is None else (value,)


def meets(record: EquipmentRecord, m: Matched, grade: int) -> bool | None:
    """Whether the record meets ``grade``; None when the standard gives no such grade.

    Uses the record's indicator values when complete, else its nameplate grade.
    """
    limits = (m.primary.get(grade),) + ((m.secondary.get(grade),) if m.secondary else ())
    if any(limit is None for limit in limits):
        return None
    values = values_of(record, m)
    if values is None:
        return record.grade is not None and record.grade <= grade
    return all(
        (v >= lim) if m.higher_is_better else (v <= lim)
        for v, lim in zip(values, limits, strict=True)
        if lim is not None
    )


def _grade(record: EquipmentRecord, m: Matched) -> int | None:
    if not _has_indicator(record, m):
        return None
    for grade in (1, 2, 3):
        if meets(record, m, grade):
            return grade
    return None


def _threshold_text(m: Matched, grade: int, level_zh: str) -> str:
    op = "≥" if m.higher_is_better else "≤"
    parts = [f"{m.indicator_zh}{op}{_fmt(m.primary.get(grade))}{m.unit}"]
    if m.secondary is not None:
        parts.append(f"负载损耗≤{_fmt(m.secondary.get(grade))}kW")
    return f"{'且'.join(parts)}（{grade}级，{level_zh}；{m.row_zh}）"


def _actual_text(record: EquipmentRecord, m: Matched) -> str:
    values = values_of(record, m)
    if values is None:
        return f"铭牌能效等级{record.grade}级"
    basis = "实测" if record.efficiency_measured else "铭牌"
    text = f"{basis}{m.indicator_zh}{_fmt(values[0])}{m.unit}"
    return text + (f"，负载损耗{_fmt(values[1])}kW" if len(values) > 1 else "")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _level_flags(
    record: EquipmentRecord, m: Matched, rules: ReferenceRules, notes: list[str]
) -> list[Flag]:
    access, saving = rules.levels["access"], rules.levels["energy_saving"]
    source = (
        f"{m.source.label()}；等级对应：{access.name_zh}={access.grade}级、"
        f"{saving.name_zh}={saving.grade}级"
    )
    ok_access = meets(record, m, access.grade)
    if ok_access is False:
        return [
            Flag(
                "elimination",
                "efficiency.below_access",
                f"低于{access.name_zh}，列入淘汰清单",
                _threshold_text(m, access.grade, access.name_zh),
                _actual_text(record, m),
                source,
            )
        ]
    ok_saving = meets(record, m, saving.grade)
    if ok_saving is None:
        notes.append(
            f"该标准无{saving.name_zh}（{saving.grade}级）参考数据，无法判定是否达到节能水平"
        )
        return []
    if not ok_saving:
        return [
            Flag(
                "renewal_candidate",
                "efficiency.below_energy_saving",
                f"低于{saving.name_zh}，列为更新改造对象",
                _threshold_text(m, saving.grade, saving.name_zh),
                _actual_text(record, m),
                source,
            )
        ]
    return []


def _frame(item: EliminationItem, model: str) -> int | None:
    match = re.match(item.model_regex or "", model.upper())
    if match is None:
        return None
    return int(match.group(1)) if match.groups() and match.group(1).isdigit() else 0


def _catalogue_hit(item: EliminationItem, record: EquipmentRecord) -> bool:
    if not item.auto or item.category != record.category:
        return False
    if item.model_regex:
        frame = _frame(item, record.model.strip())
        if frame is None:
            return False
        return item.frame_min is None or (item.frame_min <= frame <= (item.frame_max or frame))
    if record.fuel not in item.fuels or record.capacity is None:
        return False
    limit = item.cap_max_t_h if record.capacity_unit == "t/h" else item.cap_max_mw
    return limit is not None and record.capacity <= limit


def _catalogue_flags(record: EquipmentRecord, rules: ReferenceRules) -> list[Flag]:
    return [
        Flag(
            "elimination",
            f"catalogue.{item.id}",
            f"属于淘汰类设备：{item.name_zh}",
            item.name_zh + (f"（{item.note_zh}）" if item.note_zh else ""),
            f"型号{record.model or '—'}，容量{_fmt(record.capacity)}{record.capacity_unit or ''}",
            f"{item.source}；{item.url}",
        )
        for item in rules.elimination
        if _catalogue_hit(item, record)
    ]


def _life_flags(record: EquipmentRecord, rules: ReferenceRules, *, year: int) -> list[Flag]:
    age = year - record.commissioning_year
    out: list[Flag] = []
    design = rules.design_life_rule
    if record.design_life_years is not None and age > record.design_life_years:
        out.append(_life_flag(design, age, record.design_life_years, design.flag))
    for rule in rules.life_rules:
        if rule.category == record.category and rule.years is not None and age > rule.years:
            out.append(_life_flag(rule, age, rule.years, rule.flag))
    return out


def _life_flag(rule: LifeRule, age: int, years: int, kind: FlagKind) -> Flag:
    source = f"{rule.source}；{rule.url}" if rule.url else rule.source
    return Flag(
        kind, f"life.{rule.id}", rule.name_zh, f"使用年限>{years}年", f"已使用{age}年", source
    )


__all__ = ["Classification", "EquipmentRecord", "Flag", "Grades", "classify", "meets", "values_of"]
