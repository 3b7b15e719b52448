"""API shapes of the budget ledger."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from huanxin.core.bounds import Code, Count, Fen, Line, Name, Text


class BalancesRead(BaseModel):
    allocated_fen: int
    available_fen: int
    reserved_fen: int
    spent_fen: int


class PoolCreate(BaseModel):
    programme_id: Code = Field(min_length=1, max_length=64)
    layer: Line
    jurisdiction_code: Code
    name: Name = Field(min_length=1, max_length=128)
    shards: Count = Field(default=1, ge=1, le=64)


class PoolRead(BaseModel):
    id: int
    programme_id: str
    layer: str
    layer_label: str
    jurisdiction_code: str
    name: str
    shards: int
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
