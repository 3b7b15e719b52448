"""Cells for spreadsheet and CSV exports that never fail on what is stored.

Owns ``safe_cell`` / ``safe_row``: characters a worksheet cannot hold (control characters,
which openpyxl refuses with an exception) are dropped, and text a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with an
apostrophe, so an export of stored data neither fails nor executes anything. ``YUAN_FORMAT``
is how every workbook shows an amount of yuan (a number with thousands separators).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
YUAN_FORMAT = "#,##0.00"  # amounts of yuan (``core.money.yuan_number``) in a workbook


def safe_cell(value: Any) -> Any:
    """``value`` as a cell: text cleaned of illegal characters and defused as a formula."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
