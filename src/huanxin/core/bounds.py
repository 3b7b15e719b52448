"""Bounds of every input: characters, lengths, integer ranges, years and money ceilings.

Owns the characters no input may carry (``forbidden_char``), the annotated types routes and
schemas use for their inputs (``Id``, ``Limit``, ``Year``, ``Fen``, ``Name``, ``Text`` …),
and ``check_flush``, a ``before_flush`` check that refuses an over-long string or an
out-of-range integer before it reaches the database, so SQLite and PostgreSQL answer alike
(422 naming the column's field) instead of one storing it and the other failing with a 500.
"""

from __future__ import annotations

import re

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
