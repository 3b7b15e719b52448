"""The address book of each jurisdiction: 乡镇/街道 → 村/社区 → 小区 or 门牌 range, with
coordinates. The office imports it from .xlsx (all rows checked first, row-by-row Chinese
errors, nothing stored unless every row is good; an entry already there has its
coordinates updated, so importing the same file twice changes nothing). Residents pick an
entry — searchable by characters and by pinyin initials — and type only their house
number; the booking's coordinates are the entry's."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from pypinyin import Style, lazy_pinyin
from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.errors import (
    DomainError,
    MalformedFile,
    OutOfRange,
    PermissionDenied,
)
from huanxin.recycling.errors import AddressFileInvalid, AddressNotFound
from huanxin.recycling.models import AddressEntry
from huanxin.recycling.service import network

HEADERS = ["乡镇/街道", "村/社区", "小区或门牌范围", "纬度", "经度"]
MAX_ROWS = 20_000
MAX_LEN = 64


@dataclass(frozen=True)
class EntryIn:
    township: str
    village: str
    place: str
    lat: float
    lon: float


def initials(text: str) -> str:
    """Pinyin initials of the Chinese characters (others kept, lower-cased).

    >>> initials("龙港镇杏园社区")
    'lgzxysq'
    """
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def book_code(session: Session, code: str) -> str:
    """The jurisdiction whose address book serves ``code``: that of its service area."""
    area = network.area_for(session, code)
    return area.jurisdiction_code if area else code


def readable(session: Session, actor: Actor) -> Select[AddressEntry]:
    """The entries of the address books the actor serves (its scope and its service area's)."""
    codes = set(actor.scope_codes) | {book_code(session, actor.jurisdiction_code)}
    return select(AddressEntry).where(AddressEntry.jurisdiction_code.in_(codes))


def matching(q: str) -> ColumnElement[bool]:
    """Entries holding every word of ``q`` in a name or in the pinyin initials."""
    return and_(
        true(),
        *(
            or_(
                AddressEntry.township.contains(word, autoescape=True),
                AddressEntry.village.contains(word, autoescape=True),
                AddressEntry.place.contains(word, autoescape=True),
                AddressEntry.initials.contains(word, autoescape=True),
            )
            for word in q.strip().lower().split()
        ),
    )


def search(session: Session, actor: Actor, q: str = "", *, limit: int = 500) -> list[AddressEntry]:
    """Entries of the actor's address book matching ``q`` (characters or pinyin initials)."""
    stmt = readable(session, actor).where(matching(q))
    order = (AddressEntry.township, AddressEntry.village, AddressEntry.place)
    return list(session.scalars(stmt.order_by(*order).limit(limit)))


def get_for(session: Session, actor: Actor, entry_id: int) -> AddressEntry:
    """An entry the actor may book at (its address book), else a refusal naming the field."""
    entry = session.get(AddressEntry, entry_id)
    codes = set(actor.scope_codes) | {book_code(session, actor.jurisdiction_code)}
    if entry is None or entry.jurisdiction_code not in codes:
        raise AddressNotFound("请从地址库中选择小区或门牌", field="address_id")
    return entry


def template_xlsx() -> bytes:
    """The import template: the headers and one example row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "地址库"
    sheet.append(HEADERS)
    sheet.append(["龙港镇", "杏园社区", "杏园小区1-12号楼", 35.6905, 112.1862])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read(content: bytes) -> list[list[object]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not .xlsx
        raise MalformedFile("文件不是有效的 .xlsx 表格，请使用下载的模板", field="file") from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]


def _text(value: object, row: int, column: str, errors: list[tuple[int, str, str]]) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        errors.append((row, column, "不能为空"))
    elif len(text) > MAX_LEN:
        errors.append((row, column, f"不能超过{MAX_LEN}个字"))
    return text


def _number(value: object, row: int, column: str, errors: list[tuple[int, str, str]]) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors.append((row, column, "应为数字（度，如 35.6905）"))
    return number


def _parse(session: Session, code: str, rows: list[list[object]]) -> list[EntryIn]:
    errors: list[tuple[int, str, str]] = []
    entries, seen = [], set()
    for n, raw in enumerate(rows, start=2):
        cells = [*raw, None, None, None, None, None][:5]
        if all(c is None or not str(c).strip() for c in cells):
            continue
        town, village, place = (_text(cells[i], n, HEADERS[i], errors) for i in range(3))
        lat, lon = (
            _number(cells[3], n, HEADERS[3], errors),
            _number(cells[4], n, HEADERS[4], errors),
        )
        if math.isfinite(lat) and math.isfinite(lon):
            try:
                network.check_in_area(session, code, lat, lon)
            except DomainError as exc:
                errors.append((n, HEADERS[3], exc.message))
        if (town, village, place) in seen:
            errors.append((n, HEADERS[2], "与前面的行重复"))
        seen.add((town, village, place))
        entries.append(EntryIn(town, village, place, lat, lon))
    if errors:
        raise AddressFileInvalid(errors)
    if not entries:
        raise MalformedFile("文件中没有地址行", field="file")
    return entries


def import_xlsx(session: Session, actor: Actor, *, jurisdiction_code: str, content: bytes) -> int:
    """Check every row, then add new entries and update the coordinates of existing ones."""
    if not actor.can("recycling:manage"):
        raise PermissionDenied("只有主管部门可以维护地址库")
    jurisdictions.visible_get(session, actor, jurisdiction_code)
    rows = _read(content)
    if not rows or [str(c or "").strip() for c in rows[0][:5]] != HEADERS:
        raise MalformedFile(f"表头应为：{'、'.join(HEADERS)}（请使用下载的模板）", field="file")
    if len(rows) > MAX_ROWS + 1:
        raise OutOfRange(f"一次最多导入{MAX_ROWS}行", field="file")
    entries = _parse(session, jurisdiction_code, rows[1:])
    existing = {
        (e.township, e.village, e.place): e
        for e in session.scalars(
            select(AddressEntry).where(AddressEntry.jurisdiction_code == jurisdiction_code)
        )
    }
    for new in entries:
        _upsert(session, jurisdiction_code, existing, new)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.addresses_imported",
        object_type="jurisdiction",
        object_id=jurisdiction_code,
        after={"rows": len(entries)},
        jurisdiction_code=jurisdiction_code,
    )
    return len(entries)


def _upsert(
    session: Session, code: str, existing: dict[tuple[str, str, str], AddressEntry], new: EntryIn
) -> None:
    row = existing.get((new.township, new.village, new.place))
    if row is None:
        row = AddressEntry(
            jurisdiction_code=code,
            township=new.township,
            village=new.village,
            place=new.place,
            lat=new.lat,
            lon=new.lon,
            initials=initials(new.township + new.village + new.place),
        )
        session.add(row)
        existing[(new.township, new.village, new.place)] = row
    else:
        row.lat, row.lon = new.lat, new.lon


def add_entries(session: Session, code: str, entries: list[EntryIn]) -> None:
    """Add entries without an actor (the demo); existing ones are left as they are."""
    existing = {
        (e.township, e.village, e.place): e
        for e in session.scalars(select(AddressEntry).where(AddressEntry.jurisdiction_code == code))
    }
    for new in entries:
        if (new.township, new.village, new.place) not in existing:
            _upsert(session, code, existing, new)
    session.flush()
