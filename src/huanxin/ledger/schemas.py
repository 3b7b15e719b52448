"""API shapes of the budget ledger."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from huanxin.core.bounds import BasisPoints, Code, Count, Day, Fen, Line, Name, Text, Year


class BalancesRead(BaseModel):
    allocated_fen: int
    available_fen: int
    reserved_fen: int
    spent_fen: int


class PoolCreate(BaseModel):
    programme_id: Code = Field(min_length=1, max_length=64)
    layer: Line
    jurisdiction_code: Code
    period_year: Year
    name: Name = Field(default="", max_length=128)
    shards: Count = Field(default=1, ge=1, le=64)
    budget_fen: Fen = Field(default=0, le=10**15)
    year_end: Code = Field(default="return", max_length=16)


class PoolRead(BaseModel):
    id: int
    programme_id: str
    layer: str
    layer_label: str
    jurisdiction_code: str
    period_year: int
    name: str
    shards: int
    budget_fen: int
    year_end: str
    paused: bool
    balances: BalancesRead


class AllocationCreate(BaseModel):
    amount_fen: Fen = Field(gt=0, le=10**15)
    ref: Code = Field(min_length=1, max_length=128)
    note: Text = Field(default="", max_length=256)


class BurnRead(BaseModel):
    days: int
    today: date
    spent_fen: int
    per_day_fen: int
    available_fen: int
    exhaustion_date: date | None


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    movement: str
    shard_id: int
    account: str
    amount_fen: int
    kind: str
    ref: str
    note: str
    at: datetime


class PoolDetail(PoolRead):
    burn: BurnRead
    journal: list[EntryRead]


class TrancheIn(BaseModel):
    """One row of a release schedule: a window and an amount or a share of the year's budget."""

    starts_on: Day
    ends_on: Day
    amount_fen: Fen | None = Field(default=None, le=10**15)
    budget_share_bp: BasisPoints | None = None


class ScheduleIn(BaseModel):
    """Either explicit ``rows``, or a ``pattern`` (monthly, weekly, quarterly) splitting what is
    left of the year's budget evenly or in ``shares_bp``."""

    rows: list[TrancheIn] = Field(default=[], max_length=400)
    pattern: Code = Field(default="", max_length=16)
    shares_bp: list[BasisPoints] | None = Field(default=None, max_length=60)


class TrancheRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    starts_on: date
    ends_on: date
    amount_fen: int
    released_at: datetime | None


class ScheduleRead(BaseModel):
    pool_id: int
    budget_fen: int
    released_fen: int
    scheduled_fen: int
    tranches: list[TrancheRead]


class PauseIn(BaseModel):
    reason: Text = Field(min_length=1, max_length=256)


class BoardRead(BaseModel):
    """One programme on the public budget notice."""

    model_config = ConfigDict(from_attributes=True)
    title: str
    paused: bool
    reason: str
    available_fen: int
    next_release_on: date | None
    next_release_fen: int


class MonthRead(BaseModel):
    month: int
    plan_fen: int
    spent_fen: int
    deviation_bp: int | None


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    pool_id: int
    kind: str
    kind_label: str
    day: date
    message: str


class ForecastRead(BaseModel):
    pool_id: int
    today: date
    per_day_fen: int
    available_fen: int
    unreleased_fen: int
    released_runs_out_on: date | None
    budget_runs_out_on: date | None
    period_end: date
    months: list[MonthRead]
    alerts: list[AlertRead]
