"""The official working-day calendar: weekends, public holidays and 调休 make-up workdays.

The pinned ``chinese-calendar`` library carries every year the State Council had published
when it was released. A later year's arrangement (published each November) is loaded with
``huanxin calendar import FILE`` into ``calendar_days``; those rows override the library day
by day. A year that neither knows is counted Monday to Friday and marked as an estimate, so
a deadline shown for it says so.

The import file is a CSV (UTF-8) with the header ``日期,安排,名称``: one row per holiday
(安排 ``放假``) and per make-up workday (安排 ``上班``), as the notice lists them.

>>> cal = Calendar({date(2027, 2, 6): True}, frozenset({2027}))
>>> cal.is_workday(date(2027, 2, 6)), cal.is_workday(date(2027, 2, 7))
(True, False)
>>> cal.add_workdays(date(2026, 9, 30), 1)  # after the National Day week
datetime.date(2026, 10, 8)
>>> cal.add_workdays(date(2026, 10, 9), 1)  # Saturday 10 October is a make-up workday
datetime.date(2026, 10, 10)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import CoreCode, InvalidInput
from huanxin.core.models import CalendarDay

HEADER = ["日期", "安排", "名称"]
KINDS = {"放假": False, "上班": True}
MAX_ROWS = 400
_SEARCH_LIMIT = 4000  # days: no run of holidays is longer; stops a loop on a broken calendar


class CalendarFileInvalid(InvalidInput):
    """A calendar file row is malformed; nothing was imported."""

    code = CoreCode.CALENDAR_FILE_INVALID


@cache
def library_years() -> frozenset[int]:
    """The years the pinned library knows."""
    days = chinese_calendar.constants.holidays
    return frozenset(range(min(days).year, max(days).year + 1))


@dataclass(frozen=True)
class Calendar:
    """Working days: loaded rows first, then the library, then Monday to Friday."""

    overrides: dict[date, bool]
    loaded_years: frozenset[int]

    def known(self, year: int) -> bool:
        """Whether ``year``'s official arrangement is known (not an estimate)."""
        return year in self.loaded_years or year in library_years()

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in library_years():
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        for _ in range(_SEARCH_LIMIT):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise RuntimeError("no working day found")

    def add_workdays(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the start day is not counted)."""
        day = start
        for _ in range(days):
            day = self.next_workday(day + timedelta(days=1))
        return day

    def add_days(self, start: date, days: int) -> date:
        """A period in calendar days; one ending on a rest day ends on the next working day
        (Civil Code art. 203)."""
        return self.next_workday(start + timedelta(days=days))


def load(session: Session) -> Calendar:
    """The calendar with the rows loaded into the database (cached for the session)."""
    cached = session.info.get("core.calendar")
    if isinstance(cached, Calendar):
        return cached
    rows = session.execute(select(CalendarDay.day, CalendarDay.workday)).all()
    overrides = {row.day: bool(row.workday) for row in rows}
    calendar = Calendar(overrides, frozenset(d.year for d in overrides))
    session.info["core.calendar"] = calendar
    return calendar


@dataclass(frozen=True)
class Entry:
    day: date
    workday: bool
    name: str


def parse(content: bytes) -> list[Entry]:
    """The rows of a calendar file; the first bad row is refused by its number."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CalendarFileInvalid("日历文件应为UTF-8编码的CSV", field="file") from exc
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows or [c.strip() for c in rows[0][:3]] != HEADER:
        raise CalendarFileInvalid("日历文件表头应为：" + "、".join(HEADER), field="file")
    if len(rows) - 1 > MAX_ROWS:
        raise CalendarFileInvalid(f"日历文件最多{MAX_ROWS}行", field="file")
    entries: dict[date, Entry] = {}
    for number, row in enumerate(rows[1:], start=2):
        entry = _entry(number, [*row, "", "", ""])
        if entry.day in entries:
            raise CalendarFileInvalid(f"第{number}行：日期{entry.day}重复", field="file")
        entries[entry.day] = entry
    if not entries:
        raise CalendarFileInvalid("日历文件没有数据行", field="file")
    return sorted(entries.values(), key=lambda e: e.day)


def _entry(number: int, row: list[str]) -> Entry:
    try:
        day = date.fromisoformat(row[0].strip())
    except ValueError as exc:
        raise CalendarFileInvalid(f"第{number}行：日期应为YYYY-MM-DD", field="file") from exc
    kind = row[1].strip()
    if kind not in KINDS:
        raise CalendarFileInvalid(f"第{number}行：安排应为「放假」或「上班」", field="file")
    name = row[2].strip()
    if len(name) > 32:
        raise CalendarFileInvalid(f"第{number}行：名称最多32个字", field="file")
    if KINDS[kind] and day.weekday() < 5:
        raise CalendarFileInvalid(f"第{number}行：{day}是工作日，无需调休上班", field="file")
    return Entry(day, KINDS[kind], name)


def import_file(
    session: Session, actor: AuditActor, *, content: bytes, source: str
) -> dict[str, int]:
    """Replace the loaded days of the years the file covers with its rows. The same file
    twice changes nothing (``unchanged`` counts the rows already there)."""
    entries = parse(content)
    years = sorted({e.day.year for e in entries})
    current = {
        (row.day, bool(row.workday), row.name)
        for row in session.scalars(select(CalendarDay).where(_in_years(years)))
    }
    wanted = {(e.day, e.workday, e.name) for e in entries}
    if current == wanted:
        return {"years": len(years), "days": len(entries), "changed": 0}
    session.execute(delete(CalendarDay).where(_in_years(years)))
    now = utcnow()
    session.add_all(
        CalendarDay(day=e.day, workday=e.workday, name=e.name, source=source[:128], imported_at=now)
        for e in entries
    )
    session.flush()
    session.info.pop("core.calendar", None)
    audit.record(
        session,
        actor,
        "calendar.imported",
        object_type="calendar",
        object_id=",".join(map(str, years)),
        detail={"source": source, "days": len(entries), "replaced": len(current)},
    )
    return {"years": len(years), "days": len(entries), "changed": len(wanted ^ current)}


def _in_years(years: list[int]) -> ColumnElement[bool]:
    return or_(*(CalendarDay.day.between(date(y, 1, 1), date(y, 12, 31)) for y in years))
