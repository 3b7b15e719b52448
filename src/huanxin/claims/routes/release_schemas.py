"""API shapes of timed quota releases and their lotteries."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from huanxin.claims.models import LotteryEntry, QuotaRelease, ReleaseRound
from huanxin.claims.service import release_plans
from huanxin.core.bounds import Code, Day, Id
from huanxin.core.clock import as_utc


class ReleaseCreate(BaseModel):
    programme_id: Code
    category: Code
    jurisdiction_code: Code
    pool_id: Id
    first_day: Day
    last_day: Day
    release_time: Code = "07:00"
    per_release: int = Field(ge=1, le=10_000_000)
    valid_minutes: int | None = Field(default=None, ge=1, le=1440)
    day_cap: int = Field(default=1, ge=1, le=100)
    month_cap: int = Field(default=4, ge=1, le=3100)
    mode: Code = "first_come"
    entry_minutes: int | None = Field(default=None, ge=1, le=1440)

    def plan(self) -> release_plans.PlanInput:
        return release_plans.PlanInput(**self.model_dump())


class ReleaseRead(BaseModel):
    id: int
    programme_id: str
    category: str
    jurisdiction_code: str
    pool_id: int
    first_day: date
    last_day: date
    release_time: str
    per_release: int
    valid_minutes: int | None
    day_cap: int
    month_cap: int
    mode: str
    mode_label: str
    entry_minutes: int | None

    @classmethod
    def of(cls, r: QuotaRelease) -> ReleaseRead:
        return cls(
            id=r.id,
            programme_id=r.programme_id,
            category=r.category,
            jurisdiction_code=r.jurisdiction_code,
            pool_id=r.pool_id,
            first_day=r.first_day,
            last_day=r.last_day,
            release_time=f"{r.release_minute // 60:02d}:{r.release_minute % 60:02d}",
            per_release=r.per_release,
            valid_minutes=r.valid_minutes,
            day_cap=r.day_cap,
            month_cap=r.month_cap,
            mode=r.mode,
            mode_label=release_plans.MODES[r.mode],
            entry_minutes=r.entry_minutes,
        )


class RoundRead(BaseModel):
    id: int
    day: date
    opens_at: str
    expires_at: str
    offered: int
    carried_in: int
    issued: int
    seed_hash: str | None
    seed: str | None  # revealed once drawn
    entries_close_at: str | None
    drawn_at: str | None

    @classmethod
    def of(cls, r: ReleaseRound) -> RoundRead:
        return cls(
            id=r.id,
            day=r.day,
            opens_at=as_utc(r.opens_at).isoformat(),
            expires_at=as_utc(r.expires_at).isoformat(),
            offered=r.offered,
            carried_in=r.carried_in,
            issued=r.issued,
            seed_hash=r.seed_hash,
            seed=r.seed if r.drawn_at else None,
            entries_close_at=as_utc(r.entries_close_at).isoformat() if r.entries_close_at else None,
            drawn_at=as_utc(r.drawn_at).isoformat() if r.drawn_at else None,
        )


class ReleaseEntryRead(BaseModel):
    round_id: int
    ticket: str
    created_at: str

    @classmethod
    def of(cls, e: LotteryEntry) -> ReleaseEntryRead:
        return cls(
            round_id=e.round_id, ticket=e.ticket, created_at=as_utc(e.created_at).isoformat()
        )


class LotteryRecord(BaseModel):
    """A lottery round as published: enough to reproduce the draw, no person."""

    round_id: int
    release_id: int
    category: str
    day: date
    offered: int
    seed_hash: str
    entries_close_at: str | None
    tickets: list[str]
    drawn_at: str | None
    seed: str | None
    winners: list[str]
