"""The official calendar: holidays and 调休 make-up workdays from the pinned library, a later
year loaded from a file (overriding the library), refused files leave nothing behind."""

from __future__ import annotations

import doctest
from datetime import date

import pytest
from sqlalchemy import func, select

from huanxin.core import workdays
from huanxin.core.audit import SYSTEM
from huanxin.core.models import CalendarDay
from huanxin.db import Database

FILE_2027 = "日期,安排,名称\n2027-01-01,放假,元旦\n2027-02-06,上班,春节调休\n".encode()


def test_doctests() -> None:
    assert doctest.testmod(workdays).failed == 0


def test_library_counts_holidays_and_make_up_workdays() -> None:
    cal = workdays.Calendar({}, frozenset())
    assert cal.is_workday(date(2026, 10, 1)) is False  # National Day
    assert cal.is_workday(date(2026, 10, 10)) is True  # a Saturday worked in lieu
    # 15 working days from 30 September 2026: the make-up Saturday counts, the holiday not
    assert cal.add_workdays(date(2026, 9, 30), 15) == date(2026, 10, 27)
    # a period in calendar days ending on a holiday ends on the next working day
    assert cal.add_days(date(2026, 9, 28), 3) == date(2026, 10, 8)
    assert cal.known(2026) and not cal.known(2031)


def test_a_loaded_year_overrides_and_stops_being_an_estimate(database: Database) -> None:
    with database.unit_of_work() as session:
        before = workdays.load(session)
        assert not before.known(2027)
        assert before.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 8)
        first = workdays.import_file(session, SYSTEM, content=FILE_2027, source="2027.csv")
        after = workdays.load(session)
    assert first == {"years": 1, "days": 2, "changed": 2}
    assert after.known(2027)
    assert after.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 6)  # the make-up Saturday
    assert after.is_workday(date(2027, 1, 1)) is False
    with database.unit_of_work() as session:  # the same file again changes nothing
        again = workdays.import_file(session, SYSTEM, content=FILE_2027, source="2027.csv")
    assert again == {"years": 1, "days": 2, "changed": 0}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("日期,安排\n", "日历文件表头应为：日期、安排、名称"),
        ("日期,安排,名称\n2027-01-01,放假,元旦\n2027-13-01,放假,x\n", "第3行：日期应为YYYY-MM-DD"),
        ("日期,安排,名称\n2027-01-01,休息,元旦\n", "第2行：安排应为「放假」或「上班」"),
        (
            "日期,安排,名称\n2027-01-01,放假,元旦\n2027-01-01,放假,元旦\n",
            "第3行：日期2027-01-01重复",
        ),
        ("日期,安排,名称\n2027-02-08,上班,调休\n", "第2行：2027-02-08是工作日，无需调休上班"),
    ],
)
def test_a_bad_file_is_refused_by_row_and_nothing_is_loaded(
    database: Database, body: str, message: str
) -> None:
    with pytest.raises(workdays.CalendarFileInvalid) as refused, database.unit_of_work() as s:
        workdays.import_file(s, SYSTEM, content=body.encode(), source="bad.csv")
    assert refused.value.message == message
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0
