"""The equipment ledger: import a file all-or-nothing, classify each row on import and on
demand, and store the flags (rule, threshold, source) and the estimated saving.

Import: ``parse_ledger`` validates every cell; any error (or an equipment code already in the
enterprise's ledger) rejects the whole file with the row-by-row report. Accepted rows are
written with bulk inserts (one statement per table), classified as of ``year``, and the
saving of upgrading to grade 2 (节能水平) is stored per row.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import NotFound
from huanxin.equipment import ledger_io
from huanxin.equipment.classify import SCRAPPED, Classification, EquipmentRecord, classify
from huanxin.equipment.errors import LedgerRejected
from huanxin.equipment.models import Enterprise, EquipmentFlag, EquipmentItem, LedgerImport
from huanxin.equipment.reference import ReferenceRules, load_rules
from huanxin.equipment.savings import DEFAULT_FACTORS, ConversionFactors, estimate_saving
from huanxin.equipment.service.access import enterprise_ids, get_enterprise, writable_enterprise

_FIELDS = tuple(f.name for f in fields(EquipmentRecord))
_CHUNK = 5000
# Core inserts on the tables: one executemany per chunk (the ORM bulk path is ~2x slower here)
_ITEMS: Table = EquipmentItem.__table__  # type: ignore[assignment]
_FLAGS: Table = EquipmentFlag.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class FlagCounts:
    """How many of the rows written are flagged, per kind of flag."""

    elimination: int
    renewal: int
    safety: int


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    rows: int
    elimination: int
    renewal: int
    safety: int


def record_json(record: EquipmentRecord) -> str:
    data = {name: getattr(record, name) for name in _FIELDS}
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)


def record_of(item: EquipmentItem) -> EquipmentRecord:
    return EquipmentRecord(**json.loads(item.record))


def outcome(
    record: EquipmentRecord, *, year: int, rules: ReferenceRules, factors: ConversionFactors
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The classification columns of one row and its flag rows (without ``item_id``), as the
    bulk insert and update statements write them to the tables (not an answer to anyone)."""
    result = classify(record, year=year, rules=rules)
    kinds = result.kinds()
    columns: dict[str, Any] = {
        "assessed": result.assessed,
        "grade": result.grade,
        "classified_year": year,
        "elimination": "elimination" in kinds,
        "renewal": "renewal_candidate" in kinds,
        "safety": "safety_assessment" in kinds,
        "notes": "；".join(result.notes),
        "saving_kwh": None,
        "saving_tce": None,
        "saving_tco2": None,
    }
    columns.update(_saving(record, result, factors))
    flags = [
        {
            "kind": f.kind,
            "rule": f.rule,
            "rule_zh": f.rule_zh,
            "threshold": f.threshold,
            "actual": f.actual,
            "source": f.source,
        }
        for f in result.flags
    ]
    return columns, flags


def _saving(
    record: EquipmentRecord, result: Classification, factors: ConversionFactors
) -> dict[str, Any]:
    if result.matched is None or not result.kinds() & {"elimination", "renewal_candidate"}:
        return {}
    saving = estimate_saving(record, result, target_grade=2, factors=factors)
    if isinstance(saving, str):
        return {"notes": "；".join(filter(None, ("；".join(result.notes), saving)))}
    return {"saving_kwh": saving.kwh, "saving_tce": saving.tce, "saving_tco2": saving.tco2}


def _reject(errors: Sequence[dict[str, Any]]) -> LedgerRejected:
    return LedgerRejected(f"台账文件有{len(errors)}处错误，未导入任何数据", errors)


def _row_numbers(path: Path) -> dict[str, int]:
    """Equipment code -> spreadsheet row (only read when a duplicate must be reported)."""
    rows = ledger_io._read(path)
    header = [str(v or "").strip() for v in next(rows)[1]]
    col = header.index("设备编号")
    return {str(v[col]).strip(): n for n, v in rows if len(v) > col and v[col] is not None}


def _existing_codes(session: Session, enterprise_id: int, codes: Iterable[str]) -> set[str]:
    wanted = set(codes)
    stmt = select(EquipmentItem.code).where(EquipmentItem.enterprise_id == enterprise_id)
    return {c for c in session.scalars(stmt) if c in wanted}


def parse_or_reject(
    session: Session, ent: Enterprise, path: Path, *, year: int
) -> tuple[EquipmentRecord, ...]:
    parsed = ledger_io.parse_ledger(path, year=year)
    if not parsed.ok:
        raise _reject(
            [{"row": e.row, "column": e.column, "reason": e.reason} for e in parsed.errors]
        )
    if not parsed.rows:
        raise _reject([{"row": 2, "column": "", "reason": "文件中没有设备数据"}])
    taken = _existing_codes(session, ent.id, (r.equipment_id for r in parsed.rows))
    if taken:
        numbers = _row_numbers(path)
        raise _reject(
            sorted(
                (
                    {
                        "row": numbers.get(code, 0),
                        "column": "设备编号",
                        "reason": f"设备编号“{code}”已在本企业台账中",
                    }
                    for code in taken
                ),
                key=lambda e: e["row"],
            )
        )
    return parsed.rows


def import_ledger(
    session: Session,
    actor: Actor,
    *,
    enterprise_id: int,
    path: Path,
    filename: str,
    year: int | None = None,
    factors: ConversionFactors = DEFAULT_FACTORS,
) -> ImportResult:
    """Import ``path`` into the enterprise's ledger, all or nothing; classify every row."""
    ent = writable_enterprise(session, actor, enterprise_id)
    year = year or today_cn().year
    records = parse_or_reject(session, ent, path, year=year)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    batch = LedgerImport(
        enterprise_id=ent.id,
        filename=filename[:255],
        sha256=sha,
        rows=len(records),
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    counts = _store(session, ent, batch.id, records, year=year, factors=factors)
    audit.record(
        session,
        actor,
        "equipment.ledger_imported",
        object_type="enterprise",
        object_id=ent.id,
        jurisdiction_code=ent.jurisdiction_code,
        detail={
            "import_id": batch.id,
            "rows": len(records),
            "sha256": sha,
            "filename": filename[:255],
            **asdict(counts),
        },
    )
    return ImportResult(batch.id, len(records), counts.elimination, counts.renewal, counts.safety)


def _store(
    session: Session,
    ent: Enterprise,
    import_id: int,
    records: Sequence[EquipmentRecord],
    *,
    year: int,
    factors: ConversionFactors,
) -> FlagCounts:
    rules = load_rules()
    items: list[dict[str, Any]] = []
    flags_by_code: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        columns, flags = outcome(r, year=year, rules=rules, factors=factors)
        items.append(
            {
                "enterprise_id": ent.id,
                "import_id": import_id,
                "sector": ent.sector,
                "jurisdiction_code": ent.jurisdiction_code,
                "code": r.equipment_id,
                "category": r.category,
                "model": r.model[:128],
                "status": r.status,
                "commissioning_year": r.commissioning_year,
                "rated_power_kw": r.rated_power_kw,
                "capacity": r.capacity,
                "capacity_unit": r.capacity_unit,
                "record": record_json(r),
                **columns,
            }
        )
        if flags:
            flags_by_code[r.equipment_id] = flags
    for start in range(0, len(items), _CHUNK):
        session.execute(insert(_ITEMS), items[start : start + _CHUNK])
    ids = dict(
        session.execute(
            select(EquipmentItem.code, EquipmentItem.id).where(EquipmentItem.import_id == import_id)
        ).all()
    )
    rows = [{"item_id": ids[code], **f} for code, fl in flags_by_code.items() for f in fl]
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(_FLAGS), rows[start : start + _CHUNK])
    return _counts(items)


def _counts(items: Iterable[dict[str, Any]]) -> FlagCounts:
    c: Counter[str] = Counter()
    for item in items:
        c.update(k for k in ("elimination", "renewal", "safety") if item[k])
    return FlagCounts(c["elimination"], c["renewal"], c["safety"])


def reclassify(
    session: Session,
    actor: Actor,
    *,
    enterprise_id: int,
    year: int | None = None,
    item_ids: Sequence[int] | None = None,
    factors: ConversionFactors = DEFAULT_FACTORS,
) -> int:
    """Classify the enterprise's rows again (all, or ``item_ids``); return how many."""
    ent = writable_enterprise(session, actor, enterprise_id)
    year = year or today_cn().year
    stmt = select(EquipmentItem).where(EquipmentItem.enterprise_id == ent.id)
    if item_ids is not None:
        stmt = stmt.where(EquipmentItem.id.in_(item_ids))
    items = list(session.scalars(stmt))
    if item_ids is not None and len(items) != len(set(item_ids)):
        raise NotFound("设备不存在")
    rules, updates, flag_rows = load_rules(), [], []
    for item in items:
        columns, flags = outcome(record_of(item), year=year, rules=rules, factors=factors)
        updates.append({"id": item.id, **columns})
        flag_rows += [{"item_id": item.id, **f} for f in flags]
    ids = [i.id for i in items]
    session.execute(delete(EquipmentFlag).where(EquipmentFlag.item_id.in_(ids)))
    if updates:
        session.execute(update(EquipmentItem), updates)
    if flag_rows:
        session.execute(insert(EquipmentFlag), flag_rows)
    session.expire_all()
    audit.record(
        session,
        actor,
        "equipment.ledger_classified",
        object_type="enterprise",
        object_id=ent.id,
        jurisdiction_code=ent.jurisdiction_code,
        detail={"rows": len(items), "year": year},
    )
    return len(items)


def mark_scrapped(session: Session, items: Sequence[EquipmentItem], project_id: int) -> None:
    """Mark ledger rows scrapped by a completed project; they leave every list."""
    for item in items:
        data = json.loads(item.record)
        data["status"] = SCRAPPED
        item.record = json.dumps(data, ensure_ascii=False)
        item.status, item.scrapped_project_id = SCRAPPED, project_id
        item.elimination = item.renewal = item.safety = False
        item.notes = "设备已报废，不再判定"
    ids = [i.id for i in items]
    session.execute(delete(EquipmentFlag).where(EquipmentFlag.item_id.in_(ids)))


# --- reads ------------------------------------------------------------------------------

FLAG_COLUMN = {
    "elimination": EquipmentItem.elimination,
    "renewal_candidate": EquipmentItem.renewal,
    "safety_assessment": EquipmentItem.safety,
}


def items_stmt(
    actor: Actor,
    *,
    enterprise_id: int | None = None,
    flag: str | None = None,
    sector: str | None = None,
    jurisdiction_code: str | None = None,
) -> Any:
    stmt = select(EquipmentItem).where(EquipmentItem.enterprise_id.in_(enterprise_ids(actor)))
    if enterprise_id is not None:
        stmt = stmt.where(EquipmentItem.enterprise_id == enterprise_id)
    if flag is not None:
        stmt = stmt.where(FLAG_COLUMN[flag].is_(True))
    if sector:
        stmt = stmt.where(EquipmentItem.sector == sector)
    if jurisdiction_code:
        stmt = stmt.where(EquipmentItem.jurisdiction_code == jurisdiction_code)
    return stmt


def list_items(
    session: Session, actor: Actor, *, limit: int = 200, offset: int = 0, **filters: Any
) -> list[EquipmentItem]:
    stmt = items_stmt(actor, **filters).order_by(EquipmentItem.id).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def flags_for(session: Session, item_ids: Sequence[int]) -> dict[int, list[EquipmentFlag]]:
    """Each row's flags in the order stored; asked for in chunks, so an export of many rows
    stays under the databases' limits on bound parameters."""
    out: dict[int, list[EquipmentFlag]] = {i: [] for i in item_ids}
    ids = list(out)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        stmt = select(EquipmentFlag).where(EquipmentFlag.item_id.in_(chunk))
        for flag in session.scalars(stmt.order_by(EquipmentFlag.id)):
            out[flag.item_id].append(flag)
    return out


def get_item(session: Session, actor: Actor, item_id: int) -> EquipmentItem:
    item = session.get(EquipmentItem, item_id)
    if item is None:
        raise NotFound("设备不存在")
    get_enterprise(session, actor, item.enterprise_id)
    return item


@dataclass(frozen=True)
class Summary:
    rows: int
    in_use: int
    elimination: int
    renewal: int
    safety: int
    not_assessed: int
    saving_kwh: float
    saving_tce: float
    saving_tco2: float


def summary(session: Session, actor: Actor, **filters: Any) -> Summary:
    """Counts and the grade-2 saving of the flagged rows, over the rows the filters select."""
    sub = items_stmt(actor, **filters).subquery()
    flagged = sub.c.elimination | sub.c.renewal
    live = sub.c.status != SCRAPPED
    row = session.execute(
        select(
            func.count(),
            func.count().filter(live),
            func.count().filter(sub.c.elimination),
            func.count().filter(sub.c.renewal),
            func.count().filter(sub.c.safety),
            func.count().filter(live & sub.c.assessed.is_(False)),
            func.coalesce(func.sum(sub.c.saving_kwh).filter(flagged), 0.0),
            func.coalesce(func.sum(sub.c.saving_tce).filter(flagged), 0.0),
            func.coalesce(func.sum(sub.c.saving_tco2).filter(flagged), 0.0),
        )
    ).one()
    ints, floats = [int(v) for v in row[:6]], [round(float(v), 3) for v in row[6:]]
    return Summary(*ints, *floats)


def by_category(session: Session, actor: Actor, **filters: Any) -> list[tuple[str, int, int]]:
    """(category, rows, flagged rows) for the rows the filters select."""
    sub = items_stmt(actor, **filters).subquery()
    flagged = sub.c.elimination | sub.c.renewal | sub.c.safety
    stmt = select(sub.c.category, func.count(), func.count().filter(flagged)).group_by(
        sub.c.category
    )
    return [(c, int(n), int(f)) for c, n, f in session.execute(stmt.order_by(sub.c.category))]
