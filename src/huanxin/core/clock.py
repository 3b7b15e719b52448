"""Time: one place that says what 'now' is (UTC, timezone-aware) and the programme's local date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_cn() -> date:
    """Today's date in China Standard Time, the date rules and deadlines use."""
    return datetime.now(CHINA_TZ).date()


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_text(value: datetime | None) -> str:
    """Render a timestamp in China Standard Time for pages: ``2026-11-23 16:05``."""
    if value is None:
        return ""
    return as_utc(value).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
