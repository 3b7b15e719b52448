"""The working-mechanism pages' field readers with their own labels, on the page kit's
form types (``web.kit.forms``), which also runs their forms."""

from __future__ import annotations

from datetime import date

from huanxin.web.kit import forms as kit


def day(text: str, field: str, label: str, *, required: bool = False) -> date | None:
    """A date typed in a form (YYYY-MM-DD), refused by its label when malformed."""
    found: date | None = kit.value(kit.Day if required else kit.OptionalDay, text, field, label)
    return found


def number(text: str, field: str, label: str) -> int | None:
    """An id picked in a form; empty means none."""
    found: int | None = kit.value(kit.OptionalWhole, text, field, label)
    return found
