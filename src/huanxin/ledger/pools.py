"""Budget pools: opening them, finding them, who may see them, and their balances.

A pool's balances are the sums over its escrow shards (see ``service`` for why shards).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible, within
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import NotAChoice, OutOfRange, UnknownJurisdiction
from huanxin.core.models import Jurisdiction
from huanxin.ledger import periods
from huanxin.ledger.errors import PoolExists, PoolNotFound
from huanxin.ledger.models import Pool, Shard
from huanxin.ledger.periods import MAX_YEAR, MIN_YEAR

LAYERS = ("central", "province", "city", "county")
LAYER_LABELS = periods.LAYER_LABELS
MAX_SHARDS = 64


@dataclass(frozen=True)
class Balances:
    allocated: int
    available: int
    reserved: int
    spent: int


@dataclass(frozen=True)
class PoolSummary:
    pool: Pool
    balances: Balances


def pool_or_404(session: Session, pool_id: int) -> Pool:
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise PoolNotFound("预算池不存在")
    return pool


YEAR_ENDS = ("return", "carry_forward")
YEAR_END_LABELS = {"return": "年末结余收回", "carry_forward": "年末结余结转下年"}


def _validate_pool(
    session: Session,
    actor: AuditActor,
    *,
    layer: str,
    jurisdiction_code: str,
    shards: int,
    year_end: str,
) -> None:
    if layer not in LAYERS:
        raise NotAChoice("资金层级必须是中央、省级、市级或县级", field="layer")
    if isinstance(shards, bool) or not isinstance(shards, int) or not 1 <= shards <= MAX_SHARDS:
        raise OutOfRange(f"分片数必须在1到{MAX_SHARDS}之间", field="shards")
    if year_end not in YEAR_ENDS:
        raise NotAChoice("年末结余处理必须是收回或结转下年", field="year_end")
    if session.get(Jurisdiction, jurisdiction_code) is None:
        raise UnknownJurisdiction("行政区划不存在", field="jurisdiction_code")
    if isinstance(actor, Actor):
        within(actor, jurisdiction_code, "所属区划不在您的管辖范围内", field="jurisdiction_code")


def create_pool(
    session: Session,
    actor: AuditActor,
    *,
    programme_id: str,
    layer: str,
    jurisdiction_code: str,
    period_year: int,
    name: str = "",
    shards: int = 1,
    budget_fen: int = 0,
    year_end: str = "return",
) -> Pool:
    """Open an empty pool for one budget year with ``shards`` escrow sub-pools.

    The programme must apply at the jurisdiction and be in force in ``period_year``
    (``periods.version_for``); the name defaults to that version's title."""
    _validate_pool(
        session,
        actor,
        layer=layer,
        jurisdiction_code=jurisdiction_code,
        shards=shards,
        year_end=year_end,
    )
    if not MIN_YEAR <= period_year <= MAX_YEAR:
        raise OutOfRange("预算年度不正确", field="period_year")
    if budget_fen < 0 or budget_fen > 10**15:
        raise OutOfRange("年度预算必须在0到10万亿元之间", field="budget_fen")
    programme_id = programme_id.strip()
    version = periods.version_for(
        session, programme_id=programme_id, jurisdiction_code=jurisdiction_code, year=period_year
    )
    name = name.strip() or periods.pool_name(session, version, layer, jurisdiction_code)
    if len(name) > 128:
        raise OutOfRange("预算池名称不超过128个字符", field="name")
    key = {"programme_id": programme_id, "layer": layer, "jurisdiction_code": jurisdiction_code}
    if find_pool(session, **key, period_year=period_year) is not None:
        raise PoolExists(f"该政策、资金层级和区划的{period_year}年度预算池已存在")
    pool = Pool(
        **key,
        period_year=period_year,
        name=name,
        shard_count=shards,
        budget_fen=budget_fen,
        year_end=year_end,
        pause_below_fen=periods.next_sale_fen(session, version, layer, jurisdiction_code),
        paused_by="",
        pause_reason="",
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(pool)
            session.flush()
    except IntegrityError as exc:  # a concurrent creator won
        raise PoolExists(f"该政策、资金层级和区划的{period_year}年度预算池已存在") from exc
    session.add_all(
        [
            Shard(pool_id=pool.id, slot=s, allocated=0, available=0, reserved=0, spent=0)
            for s in range(shards)
        ]
    )
    session.flush()
    audit.record(
        session,
        actor,
        "ledger.pool_created",
        object_type="ledger_pool",
        object_id=pool.id,
        after=_snapshot(pool),
        jurisdiction_code=jurisdiction_code,
    )
    return pool


def _snapshot(pool: Pool) -> dict[str, object]:
    return {
        "programme_id": pool.programme_id,
        "layer": pool.layer,
        "name": pool.name,
        "jurisdiction_code": pool.jurisdiction_code,
        "period_year": pool.period_year,
        "shards": pool.shard_count,
        "budget_fen": pool.budget_fen,
        "year_end": pool.year_end,
        "pause_below_fen": pool.pause_below_fen,
    }


def find_pool(
    session: Session, *, programme_id: str, layer: str, jurisdiction_code: str, period_year: int
) -> Pool | None:
    stmt = select(Pool).where(
        Pool.programme_id == programme_id,
        Pool.layer == layer,
        Pool.jurisdiction_code == jurisdiction_code,
        Pool.period_year == period_year,
    )
    return session.scalars(stmt).first()


@dataclass(frozen=True)
class PoolRef:
    """What other domains may know of a pool: its programme, funding layer, place and year."""

    id: int
    programme_id: str
    layer: str
    jurisdiction_code: str
    period_year: int


def _ref(pool: Pool) -> PoolRef:
    return PoolRef(pool.id, pool.programme_id, pool.layer, pool.jurisdiction_code, pool.period_year)


def pool_ref(session: Session, pool_id: int) -> PoolRef | None:
    """The pool ``pool_id`` (None if there is none), whoever may see it."""
    pool = session.get(Pool, pool_id)
    return None if pool is None else _ref(pool)


def programme_pool(
    session: Session, *, programme_id: str, jurisdiction_code: str
) -> PoolRef | None:
    """A pool of the programme at the place (any layer or year), the first one found."""
    stmt = select(Pool).where(
        Pool.programme_id == programme_id, Pool.jurisdiction_code == jurisdiction_code
    )
    pool = session.scalars(stmt).first()
    return None if pool is None else _ref(pool)


def readable(actor: Actor) -> Select[Pool]:
    """Pools in the actor's jurisdiction and below."""
    return select(Pool).where(Pool.jurisdiction_code.in_(actor.scope_codes)).order_by(Pool.id)


def get_pool(session: Session, actor: Actor, pool_id: int) -> Pool:
    pool = session.get(Pool, pool_id)
    return visible(actor, pool, pool.jurisdiction_code if pool else None, "预算池不存在")


_SUMS = (
    func.coalesce(func.sum(Shard.allocated), 0),
    func.coalesce(func.sum(Shard.available), 0),
    func.coalesce(func.sum(Shard.reserved), 0),
    func.coalesce(func.sum(Shard.spent), 0),
)


def pool_balances(session: Session, pool_id: int) -> Balances:
    """The pool's balances in fen: the sums over its shards."""
    row = session.execute(select(func.count(), *_SUMS).where(Shard.pool_id == pool_id)).one()
    if row[0] == 0:
        pool_or_404(session, pool_id)
    return Balances(*(int(v) for v in row[1:]))


def list_pools(session: Session, actor: Actor) -> list[PoolSummary]:
    """Pools in scope with their balances, in one query."""
    sub = readable(actor).subquery()
    stmt = (
        select(Pool, *_SUMS)
        .join(sub, sub.c.id == Pool.id)
        .join(Shard, Shard.pool_id == Pool.id)
        .group_by(Pool.id)
        .order_by(Pool.id)
    )
    return [
        PoolSummary(row[0], Balances(*(int(v) for v in row[1:]))) for row in session.execute(stmt)
    ]


@dataclass(frozen=True)
class PoolMoney:
    """A pool's money not yet reserved or spent and its money reserved by open claims, in fen."""

    pool: PoolRef
    available: int
    reserved: int


def pool_money(session: Session) -> list[PoolMoney]:
    """Every pool that has shards, with its available and reserved money (for /metrics)."""
    stmt = (
        select(Pool, func.sum(Shard.available), func.sum(Shard.reserved))
        .join(Shard, Shard.pool_id == Pool.id)
        .group_by(Pool.id)
    )
    return [
        PoolMoney(_ref(pool), int(avail or 0), int(res or 0))
        for pool, avail, res in session.execute(stmt)
    ]
