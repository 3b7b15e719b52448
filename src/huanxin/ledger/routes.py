"""API of the budget ledger: pools in scope, a pool's balances, burn rate and journal,
opening pools and allocating budget (idempotent under ``Idempotency-Key``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends

from huanxin.core.actor import Actor
from huanxin.core.bounds import Count, Id, Limit
from huanxin.ledger import service
from huanxin.ledger.models import Pool
from huanxin.ledger.schemas import (
    AllocationCreate,
    BalancesRead,
    BurnRead,
    EntryRead,
    PoolCreate,
    PoolDetail,
    PoolRead,
)
from huanxin.ledger.service import Balances
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent

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
        name=pool.name,
        shards=pool.shard_count,
        balances=balances_read(balances),
    )


@router.get("/pools")
def list_pools(
    actor: Annotated[Actor, Depends(require("ledger:read"))], session: DbSession
) -> list[PoolRead]:
    return [pool_read(s.pool, s.balances) for s in service.list_pools(session, actor)]


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
