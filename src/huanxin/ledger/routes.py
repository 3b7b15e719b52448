"""API of the budget ledger: pools in scope, a pool's balances, burn rate and journal,
opening pools (one per programme, layer, place and budget year) and allocating budget, the
release schedule, pausing and resuming sales, forecast and alerts (writes idempotent under
``Idempotency-Key``), and the public budget notice (no login)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Count, Id, Limit, Year
from huanxin.core.clock import today_cn
from huanxin.ledger import forecast, notice, pausing, service, tranches
from huanxin.ledger.models import Alert, Entry, Pool
from huanxin.ledger.schemas import (
    AlertRead,
    AllocationCreate,
    BalancesRead,
    BoardRead,
    BurnRead,
    EntryRead,
    ForecastRead,
    MonthRead,
    PauseIn,
    PoolCreate,
    PoolDetail,
    PoolRead,
    ScheduleIn,
    ScheduleRead,
    TrancheRead,
)
from huanxin.ledger.service import Balances
from huanxin.web.deps import DbSession, public, require
from huanxin.web.idem import idempotent
from huanxin.web.kit.api_lists import Paged

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


def balances_read(b: Balances) -> BalancesRead:
    return BalancesRead(
        allocated_fen=b.allocated,
        available_fen=b.available,
        reserved_fen=b.reserved,
        spent_fen=b.spent,
    )


def pool_read(pool: Pool, balances: Balances) -> PoolRead:
    return PoolRead(
        id=pool.id,
        programme_id=pool.programme_id,
        layer=pool.layer,
        layer_label=service.LAYER_LABELS.get(pool.layer, pool.layer),
        jurisdiction_code=pool.jurisdiction_code,
        period_year=pool.period_year,
        name=pool.name,
        shards=pool.shard_count,
        budget_fen=pool.budget_fen,
        year_end=pool.year_end,
        paused=bool(pool.paused_by),
        balances=balances_read(balances),
    )


@router.get("/pools")
def list_pools(
    actor: Annotated[Actor, Depends(require("ledger:read"))], session: DbSession, paged: Paged
) -> list[PoolRead]:
    return [pool_read(s.pool, s.balances) for s in paged.slice(service.list_pools(session, actor))]


@router.get("/pools/{pool_id}")
def get_pool(
    pool_id: Id,
    actor: Annotated[Actor, Depends(require("ledger:read"))],
    session: DbSession,
    days: Count = 30,
    limit: Limit = 100,
) -> PoolDetail:
    pool = service.get_pool(session, actor, pool_id)
    burn = service.burn(session, pool.id, days=min(max(days, 1), 366))
    burn_read = BurnRead(**{k: v for k, v in asdict(burn).items() if k != "series"})
    journal = service.journal_of(session, pool.id, limit=min(max(limit, 1), 1000))
    base = pool_read(pool, service.pool_balances(session, pool.id))
    return PoolDetail(
        **base.model_dump(), burn=burn_read, journal=[EntryRead.model_validate(e) for e in journal]
    )


@router.get("/pools/{pool_id}/journal")
def pool_journal(
    pool_id: Id,
    actor: Annotated[Actor, Depends(require("ledger:read"))],
    session: DbSession,
    paged: Paged,
    kind: Code | None = None,
    account: Code | None = None,
) -> list[EntryRead]:
    """The pool's whole journal, newest first, of one kind and account when given, paged."""
    pool = service.get_pool(session, actor, pool_id)
    stmt = select(Entry).where(Entry.pool_id == pool.id)
    if kind:
        stmt = stmt.where(Entry.kind == kind)
    if account:
        stmt = stmt.where(Entry.account == account)
    return [
        EntryRead.model_validate(e) for e in paged.rows(session, stmt.order_by(Entry.id.desc()))
    ]


@router.post("/pools", status_code=201)
@idempotent("ledger.pools.create")
def create_pool(
    body: PoolCreate,
    actor: Annotated[Actor, Depends(require("ledger:allocate"))],
    session: DbSession,
) -> PoolRead:
    pool = service.create_pool(session, actor, **body.model_dump())
    return pool_read(pool, Balances(0, 0, 0, 0))


@router.post("/pools/{pool_id}/allocations", status_code=201)
@idempotent("ledger.allocate.{pool_id}")
def allocate(
    pool_id: Id,
    body: AllocationCreate,
    actor: Annotated[Actor, Depends(require("ledger:allocate"))],
    session: DbSession,
) -> PoolRead:
    pool = service.get_pool(session, actor, pool_id)
    service.allocate(session, actor, pool_id=pool.id, **body.model_dump())
    return pool_read(pool, service.pool_balances(session, pool.id))


def schedule_read(session: DbSession, pool: Pool) -> ScheduleRead:
    rows = tranches.schedule_of(session, pool.id)
    return ScheduleRead(
        pool_id=pool.id,
        budget_fen=pool.budget_fen,
        released_fen=service.pool_balances(session, pool.id).allocated,
        scheduled_fen=sum(t.amount_fen for t in rows if t.released_at is None),
        tranches=[TrancheRead.model_validate(t) for t in rows],
    )


@router.get("/pools/{pool_id}/tranches")
def get_schedule(
    pool_id: Id, actor: Annotated[Actor, Depends(require("ledger:read"))], session: DbSession
) -> ScheduleRead:
    return schedule_read(session, service.get_pool(session, actor, pool_id))


def _rows(session: DbSession, pool: Pool, body: ScheduleIn) -> list[tranches.TrancheRow]:
    if body.pattern:
        return tranches.plan(session, pool, pattern=body.pattern, shares_bp=body.shares_bp)
    return [
        tranches.TrancheRow(
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            amount_fen=r.amount_fen,
            share_bp=r.budget_share_bp,
        )
        for r in body.rows
    ]


@router.put("/pools/{pool_id}/tranches")
@idempotent("ledger.schedule.{pool_id}")
def set_schedule(
    pool_id: Id,
    body: ScheduleIn,
    actor: Annotated[Actor, Depends(require("ledger:allocate"))],
    session: DbSession,
) -> ScheduleRead:
    """Replace the pool's unreleased tranches (all or nothing; a bad row is refused by number)."""
    pool = service.get_pool(session, actor, pool_id)
    tranches.set_schedule(session, actor, pool_id=pool.id, rows=_rows(session, pool, body))
    return schedule_read(session, pool)


@router.post("/pools/{pool_id}/pause")
@idempotent("ledger.pause.{pool_id}")
def pause(
    pool_id: Id,
    body: PauseIn,
    actor: Annotated[Actor, Depends(require("ledger:allocate"))],
    session: DbSession,
) -> PoolRead:
    """The office pauses redemption and quota issue on the pool's money, with a reason."""
    pool = service.get_pool(session, actor, pool_id)
    pausing.pause(session, actor, pool_id=pool.id, reason=body.reason)
    return pool_read(pool, service.pool_balances(session, pool.id))


@router.post("/pools/{pool_id}/resume")
@idempotent("ledger.resume.{pool_id}")
def resume(
    pool_id: Id,
    body: PauseIn,
    actor: Annotated[Actor, Depends(require("ledger:allocate"))],
    session: DbSession,
) -> PoolRead:
    """The office lifts a pause (the pool pauses again at once if its money is short)."""
    pool = service.get_pool(session, actor, pool_id)
    pausing.resume(session, actor, pool_id=pool.id, reason=body.reason)
    return pool_read(pool, service.pool_balances(session, pool.id))


@router.get("/public/{code}", dependencies=[Depends(public)])
def public_board(code: Code, session: DbSession, year: Year | None = None) -> list[BoardRead]:
    """No login: each programme funded at the place this year, open or paused, money left,
    next release."""
    jurisdictions.get(session, code)  # 404 for an unknown place
    rows = notice.board(session, code, year=year or today_cn().year)
    return [BoardRead.model_validate(r) for r in rows]


def alert_read(alert: Alert) -> AlertRead:
    return AlertRead(
        id=alert.id,
        pool_id=alert.pool_id,
        kind=alert.kind,
        kind_label=forecast.ALERT_LABELS.get(alert.kind, alert.kind),
        day=alert.day,
        message=alert.message,
    )


@router.get("/pools/{pool_id}/forecast")
def pool_forecast(
    pool_id: Id, actor: Annotated[Actor, Depends(require("ledger:read"))], session: DbSession
) -> ForecastRead:
    """When the pool's money runs out at the last 30 days' pace, and each month against plan."""
    pool = service.get_pool(session, actor, pool_id)
    today = today_cn()
    f = forecast.forecast(session, pool, today=today)
    return ForecastRead(
        pool_id=pool.id,
        today=f.today,
        per_day_fen=f.per_day_fen,
        available_fen=f.available_fen,
        unreleased_fen=f.unreleased_fen,
        released_runs_out_on=f.released_runs_out_on,
        budget_runs_out_on=f.budget_runs_out_on,
        period_end=f.period_end,
        months=[
            MonthRead(
                month=m.month,
                plan_fen=m.plan_fen,
                spent_fen=m.spent_fen,
                deviation_bp=m.deviation_bp,
            )
            for m in f.months
        ],
        alerts=[
            alert_read(a)
            for a in forecast.alerts_for(session, [pool.id], since=today - timedelta(days=30))
        ],
    )


@router.get("/alerts")
def alerts(
    actor: Annotated[Actor, Depends(require("ledger:read"))],
    session: DbSession,
    days: Count = 30,
) -> list[AlertRead]:
    """Budget alerts of the last ``days`` days in the actor's scope, newest first."""
    ids = [p.id for p in session.scalars(service.readable(actor))]
    since = today_cn() - timedelta(days=min(max(days, 1), 366))
    return [alert_read(a) for a in forecast.alerts_for(session, ids, since=since)]
