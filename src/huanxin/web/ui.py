"""Small UI value types every domain uses to add its menu entries and home-page items.

A home page shows a role's next actions first (``Figure`` with ``todo``: work waiting, each
linking to the list filtered to that work), then its figures, then its charts (``Chart``)."""

from __future__ import annotations

from dataclasses import dataclass

from huanxin.core.money import money_parts


@dataclass(frozen=True)
class MenuItem:
    label: str
    href: str
    permission: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    href: str | None = None
    unit: str = ""  # shown smaller beside the value (元, 万元, 千克, 件)
    note: str = ""  # one line under the value (an expiry, a target, a sum)
    todo: bool = False  # a next action: work waiting for this role, listed under 待办


@dataclass(frozen=True)
class Chart:
    """A chart on the home page: an inline ``<svg>`` from the page kit's chart helper."""

    title: str
    svg: str
    href: str | None = None


HomeItem = Figure | Chart


def money_figure(
    label: str, amount_fen: int, href: str | None = None, *, note: str = "", todo: bool = False
) -> Figure:
    """A figure of money: separators, and 元 or 万元 as the size calls for."""
    number, unit = money_parts(amount_fen)
    return Figure(label, number, href, unit=unit, note=note, todo=todo)


def count_figure(
    label: str,
    n: int,
    href: str | None = None,
    *,
    unit: str = "",
    note: str = "",
    todo: bool = False,
) -> Figure:
    """A figure of a count with thousands separators."""
    return Figure(label, f"{n:,}", href, unit=unit, note=note, todo=todo)
