"""One ledger row at a time: the single-row edit (validated like an imported row, audited,
re-classified at once) and the saving estimate of one row for grade 2 or grade 1 with
conversion factors the caller may override."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.core.errors import NotAChoice, Required
from huanxin.equipment import departures, ledger_io
from huanxin.equipment.classify import EquipmentRecord, classify
from huanxin.equipment.errors import ItemLocked, ItemRejected
from huanxin.equipment.models import EquipmentFlag, EquipmentItem
from huanxin.equipment.reference import load_rules
from huanxin.equipment.savings import DEFAULT_FACTORS, ConversionFactors, estimate_saving
from huanxin.equipment.service.access import writable_enterprise
from huanxin.equipment.service.ledger import get_item, outcome, record_json, record_of

_HEADER = {c.attr: c.header for c in ledger_io.COLUMNS}
_ATTR = {c.header: c.attr for c in ledger_io.COLUMNS}


def _reject(errors: list[ledger_io.LedgerError]) -> ItemRejected:
    """Errors name the field (API) and the template header (page); unknown fields by name."""
    rows: list[dict[str, object]] = [
        {
            "field": _ATTR.get(e.column, e.column),
            "column": _HEADER.get(e.column, e.column),
            "reason": e.reason,
        }
        for e in errors
    ]
    text = "；".join(f"{r['column']}：{r['reason']}" for r in rows)
    return ItemRejected(f"设备信息有{len(rows)}处错误，未作修改：{text}", rows)


def _merged(item: EquipmentItem, changes: dict[str, Any], year: int) -> EquipmentRecord:
    cells = ledger_io.cells_of(record_of(item))
    for attr, value in changes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            cells.pop(attr, None)
            if attr not in _HEADER:
                cells[attr] = value  # reported as an unknown field
        else:
            cells[attr] = value
    parsed = ledger_io.parse_cells(cells, year=year)
    if isinstance(parsed, list):
        raise _reject(parsed)
    return parsed


def _code_taken(session: Session, item: EquipmentItem, code: str) -> bool:
    stmt = select(EquipmentItem.id).where(
        EquipmentItem.enterprise_id == item.enterprise_id,
        EquipmentItem.code == code,
        EquipmentItem.id != item.id,
    )
    return session.scalars(stmt).first() is not None


def update_item(
    session: Session,
    actor: Actor,
    *,
    item_id: int,
    changes: dict[str, Any],
    year: int | None = None,
    factors: ConversionFactors = DEFAULT_FACTORS,
) -> EquipmentItem:
    """Apply ``changes`` ({field: value as typed in the template, or None to clear}) to one
    row, validate the whole row like an import, re-classify it and replace its flags."""
    item = get_item(session, actor, item_id)
    ent = writable_enterprise(session, actor, item.enterprise_id)
    if item.scrapped_project_id is not None:
        raise ItemLocked("该设备已在更新项目竣工时核验报废，不能修改", field="item_id")
    if departures.has_left(item.notes):
        raise ItemLocked("该设备已通过二手交易或处置离开本单位台账，不能修改", field="item_id")
    if not changes:
        raise Required("没有要修改的字段", field="changes")
    year = year or today_cn().year
    record = _merged(item, changes, year)
    if _code_taken(session, item, record.equipment_id):
        raise _reject(
            [
                ledger_io.LedgerError(
                    0, "设备编号", f"设备编号“{record.equipment_id}”已在本企业台账中"
                )
            ]
        )
    before = json.loads(item.record)
    columns, flags = outcome(record, year=year, rules=load_rules(), factors=factors)
    item.code, item.category, item.model = record.equipment_id, record.category, record.model[:128]
    item.status, item.commissioning_year = record.status, record.commissioning_year
    item.rated_power_kw, item.capacity = record.rated_power_kw, record.capacity
    item.capacity_unit, item.record = record.capacity_unit, record_json(record)
    for key, value in columns.items():
        setattr(item, key, value)
    session.execute(delete(EquipmentFlag).where(EquipmentFlag.item_id == item.id))
    if flags:
        session.execute(insert(EquipmentFlag), [{"item_id": item.id, **f} for f in flags])
    session.flush()
    after = json.loads(item.record)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    audit.record(
        session,
        actor,
        "equipment.item_updated",
        object_type="equipment_item",
        object_id=item.id,
        before=before,
        after=after,
        detail={
            "enterprise_id": ent.id,
            "changed": changed,
            "year": year,
            "flags": [f["rule"] for f in flags],
        },
        jurisdiction_code=ent.jurisdiction_code,
    )
    return item


@dataclass(frozen=True)
class SavingAvailable:
    """The annual saving of upgrading one row to ``target_grade``, with the conversion
    factors used (``factors``: the factors and their sources) and the formula."""

    item_id: int
    target_grade: int
    factors: str
    kgce_per_kwh: float
    grid_kgco2_per_kwh: float
    available: Literal[True]
    kwh: float
    tce: float
    tco2: float
    formula: str


@dataclass(frozen=True)
class SavingUnavailable:
    """No saving can be estimated for the row: ``reason`` says why."""

    item_id: int
    target_grade: int
    factors: str
    kgce_per_kwh: float
    grid_kgco2_per_kwh: float
    available: Literal[False]
    reason: str


def saving_estimate(
    session: Session,
    actor: Actor,
    *,
    item_id: int,
    target_grade: int,
    factors: ConversionFactors = DEFAULT_FACTORS,
) -> SavingAvailable | SavingUnavailable:
    """The annual saving of upgrading one row to ``target_grade`` (1 or 2), or why not."""
    if target_grade not in (1, 2):
        raise NotAChoice("目标能效等级应为1级或2级", field="target_grade")
    item = get_item(session, actor, item_id)
    record = record_of(item)
    result = classify(record, year=item.classified_year or today_cn().year)
    saving = estimate_saving(record, result, target_grade=target_grade, factors=factors)
    basis: dict[str, Any] = {
        "item_id": item.id,
        "target_grade": target_grade,
        "factors": factors.describe_zh(),
        "kgce_per_kwh": factors.kgce_per_kwh,
        "grid_kgco2_per_kwh": factors.grid_kgco2_per_kwh,
    }
    if isinstance(saving, str):
        return SavingUnavailable(**basis, available=False, reason=saving)
    return SavingAvailable(
        **basis,
        available=True,
        kwh=saving.kwh,
        tce=saving.tce,
        tco2=saving.tco2,
        formula=saving.formula_zh,
    )
