"""When a job is due: "daily at HH:MM" (China time) or "every N minutes".

A job is due when it has not succeeded since the last scheduled moment, so a missed night is
caught up by the next run (once, not once per missed night) and a second run the same night
finds nothing due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from huanxin.core.clock import CHINA_TZ


@dataclass(frozen=True)
class Schedule:
    daily_at: time | None = None
    every_minutes: int | None = None

    def label(self) -> str:
        """
        >>> Schedule(daily_at=time(2, 0)).label(), Schedule(every_minutes=60).label()
        ('每天 02:00', '每 60 分钟')
        """
        if self.daily_at is not None:
            return f"每天 {self.daily_at:%H:%M}"
        return f"每 {self.every_minutes} 分钟"

    def last_slot(self, now: datetime) -> datetime:
        """The most recent scheduled moment at or before ``now``."""
        local = now.astimezone(CHINA_TZ)
        if self.daily_at is not None:
            slot = datetime.combine(local.date(), self.daily_at, tzinfo=CHINA_TZ)
            return slot if slot <= local else slot - timedelta(days=1)
        step = timedelta(minutes=self.every_minutes or 60)
        midnight = datetime.combine(local.date(), time(0), tzinfo=CHINA_TZ)
        return midnight + ((local - midnight) // step) * step

    def next_slot(self, now: datetime) -> datetime:
        if self.daily_at is not None:
            return self.last_slot(now) + timedelta(days=1)
        return self.last_slot(now) + timedelta(minutes=self.every_minutes or 60)

    def due(self, last_success: datetime | None, now: datetime) -> bool:
        return last_success is None or last_success < self.last_slot(now)


def daily(hh: int, mm: int = 0) -> Schedule:
    return Schedule(daily_at=time(hh, mm))


def every(minutes: int) -> Schedule:
    return Schedule(every_minutes=minutes)
