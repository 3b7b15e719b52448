"""Time: one place that says what 'now' is (UTC, timezone-aware) and the programme's local date.

``simulated(moment)`` makes a block of code run as if it were ``moment`` (the year-long budget
simulation drives the real services through a synthetic year); requests never use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
_SIMULATED: ContextVar[datetime | None] = ContextVar("huanxin_simulated_now", default=None)


def utcnow() -> datetime:
    return _SIMULATED.get() or datetime.now(UTC)


def today_cn() -> date:
    """Today's date in China Standard Time, the date rules and deadlines use."""
    return utcnow().astimezone(CHINA_TZ).date()


@contextmanager
def simulated(moment: datetime) -> Iterator[None]:
    """Within the block, ``utcnow()`` is ``moment`` (timezone-aware) and today follows it."""
    token = _SIMULATED.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _SIMULATED.reset(token)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_text(value: datetime | None) -> str:
    """Render a timestamp in China Standard Time for pages: ``2026-11-23 16:05``."""
    if value is None:
        return ""
    return as_utc(value).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
