"""Bounds of every input: characters, lengths, integer ranges, years and money ceilings.

Owns the characters no input may carry (``forbidden_char``), the annotated types routes and
schemas use for their inputs (``Id``, ``Limit``, ``Year``, ``Fen``, ``Name``, ``Text`` …),
and ``check_flush``, a ``before_flush`` check that refuses an over-long string or an
out-of-range integer before it reaches the database, so SQLite and PostgreSQL answer alike
(422 naming the column's field) instead of one storing it and the other failing with a 500.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import AfterValidator, Field, StringConstraints, TypeAdapter, ValidationError
from sqlalchemy.orm import Mapper, Session

from huanxin.core.errors import InvalidInput
from huanxin.core.labels import label

# C0 controls (tab, newline and carriage return are dealt with separately), DEL, C1 controls,
# Unicode noncharacters U+FFFE/U+FFFF and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\t\n\r]")
# Bidirectional overrides/isolates (they make text read differently from what it stores).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Zero-width and invisible characters (they make two names look the same).
_INVISIBLE = re.compile("[\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e]")


def forbidden_char(value: str, *, free_text: bool = True, name: bool = False) -> str | None:
    """Why ``value`` is refused, or None. Every string refuses control and bidi-override
    characters; tab/newline only in free text; zero-width characters only in names."""
    if _CONTROL.search(value):
        return "含有不允许的控制字符"
    if not free_text and _LINE_BREAKS.search(value):
        return "不能包含换行或制表符"
    if _BIDI.search(value):
        return "含有不允许的文字方向控制字符"
    if name and _INVISIBLE.search(value):
        return "含有不可见字符"
    return None


def _refuse(reason: str | None, value: str) -> str:
    if reason:
        raise ValueError(reason)
    return value


def _plain(value: str) -> str:
    return _refuse(forbidden_char(value, free_text=False), value)


def _name(value: str) -> str:
    return _refuse(forbidden_char(value, free_text=False, name=True), value)


def _text(value: str) -> str:
    return _refuse(forbidden_char(value, free_text=True), value)


# --- integer ranges (the widest column type is BIGINT; most counters are INTEGER) ---------
BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1
MAX_LIMIT = 1000  # rows one list answer may carry
MAX_OFFSET = 10_000_000
YEAR_MIN, YEAR_MAX = 1950, 2100  # programme years, and the make years of old equipment
DAY_MIN, DAY_MAX = date(1950, 1, 1), date(2100, 12, 31)  # birth dates of old equipment too
SALE_FEN_MAX = 1_000_000_000  # 1,000 万元: no single sale the programme subsidises is dearer
AMOUNT_FEN_MAX = 10**14  # 1 万亿元: budgets, allocations, project investments

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Int = Annotated[int, Field(ge=-INT_MAX - 1, le=INT_MAX)]
Limit = Annotated[int, Field(ge=0, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
BasisPoints = Annotated[int, Field(ge=0, le=10_000)]
PriceFen = Annotated[int, Field(gt=0, le=SALE_FEN_MAX)]
Fen = Annotated[int, Field(ge=0, le=AMOUNT_FEN_MAX)]
Percent = Annotated[int, Field(ge=0, le=100)]
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Quantity = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]  # kg, m³, kWh …
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Day = Annotated[date, Field(ge=DAY_MIN, le=DAY_MAX)]


def _moment(value: datetime) -> datetime:
    if not DAY_MIN <= value.date() <= DAY_MAX:
        raise ValueError(f"日期超出允许范围（{DAY_MIN.year}–{DAY_MAX.year}年）")
    return value


Moment = Annotated[datetime, AfterValidator(_moment)]

# --- strings: a coarse ceiling here, the exact column length in ``check_flush`` -----------
CODE_MAX, NAME_MAX, TEXT_MAX = 64, 200, 4000
Code = Annotated[str, StringConstraints(max_length=CODE_MAX), AfterValidator(_plain)]
Name = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(_name)]
Line = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(_plain)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX), AfterValidator(_text)]
LongText = Annotated[str, StringConstraints(max_length=200_000), AfterValidator(_text)]
Secret = Annotated[str, StringConstraints(max_length=256), AfterValidator(_plain)]
# Free attributes (a quote's item attributes, a ledger item's changed fields): few, short.
Attributes = Annotated[dict[Code, Line | Int | Number | bool | None], Field(max_length=50)]
IdempotencyKey = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_plain)
]


# --- the database boundary ----------------------------------------------------------------
def _int_limit(column_type: Any) -> int | None:
    if isinstance(column_type, sa.SmallInteger):
        return SMALLINT_MAX
    if isinstance(column_type, sa.BigInteger):
        return BIGINT_MAX
    if isinstance(column_type, sa.Integer):
        return INT_MAX
    return None


@cache
def _column_rules(mapper: Mapper[Any]) -> tuple[tuple[str, int | None, int | None], ...]:
    """(attribute, max string length, max absolute integer) for each plain column."""
    rules = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if not isinstance(column, sa.Column):
            continue
        length = (
            getattr(column.type, "length", None) if isinstance(column.type, sa.String) else None
        )
        rules.append((attr.key, length, _int_limit(column.type)))
    return tuple(rules)


def column_refusal(obj: object) -> tuple[str, str] | None:
    """(attribute, reason) for the first value of ``obj`` its column cannot hold, or None."""
    for key, length, limit in _column_rules(sa.inspect(obj.__class__)):
        value = obj.__dict__.get(key)
        if isinstance(value, str):
            if length is not None and len(value) > length:
                return key, f"长度超出限制（最多 {length} 个字符）"
            if "\x00" in value:
                return key, "含有不允许的控制字符"
        elif isinstance(value, int) and limit is not None and not -limit - 1 <= value <= limit:
            return key, "数值超出允许范围"
    return None


def check_flush(session: Session, _context: Any, _instances: Any) -> None:
    """``before_flush``: refuse (InvalidInput, 422) a value its column cannot hold."""
    for obj in list(session.new) + list(session.dirty):
        refusal = column_refusal(obj)
        if refusal:
            field, reason = refusal
            raise InvalidInput(f"{label(field)}：{reason}", field=field)


_ATTRIBUTES = TypeAdapter(Attributes)


def parse_attributes(text: str, *, field: str = "attributes") -> dict[str, Any]:
    """A JSON object of item attributes sent as text (a form field), within ``Attributes``."""
    try:
        data = _ATTRIBUTES.validate_json(text or "{}")
    except ValidationError as exc:
        raise InvalidInput(
            f"{label(field)}：须为不超过50项的JSON对象，值为简短文字或数字", field=field
        ) from exc
    return dict(data)
