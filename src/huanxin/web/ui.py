"""Small UI value types every domain uses to add its menu entries and home-page figures."""

from __future__ import annotations

from dataclasses import dataclass


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
