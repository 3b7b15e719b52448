"""Pausing and resuming sales by the money a pool has released.

A pool pauses by itself (``paused_by = auto``) when its available money falls below what the
next sale could draw (``pause_below_fen``) and resumes by itself when money arrives. Both
happen at the moment the money moves, in the same transaction: ``pause_if_short`` runs
after every reservation (a single sale's or a batch's), so the sale that leaves too little
goes through and the next one reads the pause notice; ``resume_if_covered`` runs after every
movement that brings money back (an allocation, a released reservation, a claw-back, a
carry-in from last year), and ``evaluate`` after every tranche release, manual action and
each run of the ``budget_pacing`` job (which also catches anything missed). The office
pauses or resumes by hand with a reason (``paused_by = manual``): a manual pause holds until
the office lifts it. Every change is audited.

``check_open`` is the one check the selling paths call (redemption, quota issue): it refuses
with ``SalesPaused`` (a Chinese notice saying why and when money comes next) while any pool
of the programmes on the buyer's path for that year is paused. Reservations already made are
untouched: their money is reserved and is paid as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import SYSTEM, AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import Required
from huanxin.ledger.errors import SalesPaused, yuan_grouped
from huanxin.ledger.models import Pool, Shard
from huanxin.ledger.pools import pool_balances, pool_or_404
from huanxin.ledger.tranches import next_release
from huanxin.policy import service as policies

AUTO, MANUAL = "auto", "manual"
AUTO_REASON = "已下达资金不足以支付下一笔补贴"
STATE_LABELS = {"": "正常办理", AUTO: "资金暂时用完，暂停办理", MANUAL: "暂停办理"}


@dataclass(frozen=True)
class Pause:
    pool_id: int
    pool_name: str
    by: str
    reason: str
    next_release_on: date | None

    def notice(self) -> str:
        """The Chinese notice a cashier or a resident reads."""
        why = AUTO_REASON if self.by == AUTO else f"专班办公室暂停：{self.reason}"
        when = (
            f"下一批资金预计{self.next_release_on:%Y年%m月%d日}下达，到账后自动恢复"
            if self.next_release_on
            else "恢复时间另行通知"
        )
        return f"「{self.pool_name}」{why}，暂停核销和领取资格；已预留的申请照常办理。{when}。"


MEMO = "ledger.paused"  # session.info key: the paused pools per year, while a caller allows it


@contextmanager
def remember_pauses(session: Session) -> Iterator[None]:
    """Inside the block ``is_paused`` reads the paused pools of a budget year once (usually
    none) and answers every later question from them: the batched redemption checks many
    sales from many places in one transaction; a pool that transaction pauses
    (``pause_if_short``) is added to what it remembers."""
    session.info[MEMO] = {}
    try:
        yield
    finally:
        session.info.pop(MEMO, None)


def is_paused(
    session: Session, *, programme_ids: Iterable[str], jurisdiction_code: str, on: date
) -> Pause | None:
    """The first paused pool funding one of ``programme_ids`` for ``jurisdiction_code`` in
    ``on``'s budget year (the place's own pools and those above it), or None."""
    ids = sorted(set(programme_ids))
    if not ids:
        return None
    memo: dict[int, list[Pool]] | None = session.info.get(MEMO)
    if memo is None:
        pool = _first_paused(session, ids, jurisdiction_code, on)
    else:
        if on.year not in memo:
            memo[on.year] = list(session.scalars(_paused_pools(on.year).order_by(Pool.id)))
        path = set(policies.path_of(session, jurisdiction_code))
        held = (p for p in memo[on.year] if p.programme_id in ids and p.jurisdiction_code in path)
        pool = next(held, None)
    return None if pool is None else _pause(session, pool)


def _paused_pools(year: int) -> Select[Pool]:
    return select(Pool).where(Pool.period_year == year, Pool.paused_by != "")


def _first_paused(
    session: Session, ids: list[str], jurisdiction_code: str, on: date
) -> Pool | None:
    stmt = (
        _paused_pools(on.year)
        .where(
            Pool.programme_id.in_(ids),
            Pool.jurisdiction_code.in_(policies.path_of(session, jurisdiction_code)),
        )
        .order_by(Pool.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


def _pause(session: Session, pool: Pool) -> Pause:
    upcoming = next_release(session, pool.id)
    return Pause(
        pool.id,
        pool.name,
        pool.paused_by,
        pool.pause_reason,
        upcoming.starts_on if upcoming else None,
    )


def check_open(
    session: Session, *, programme_ids: Iterable[str], jurisdiction_code: str, on: date
) -> None:
    """Refuse (409 ``sales_paused``) while sales of these programmes are paused here."""
    pause = is_paused(
        session, programme_ids=programme_ids, jurisdiction_code=jurisdiction_code, on=on
    )
    if pause is not None:
        raise SalesPaused(pause.notice())


def _set(session: Session, actor: AuditActor, pool: Pool, by: str, reason: str) -> None:
    before = {"paused_by": pool.paused_by, "reason": pool.pause_reason}
    if MEMO in session.info:
        session.info[MEMO] = {}  # this transaction changes what is paused
    pool.paused_by, pool.pause_reason = by, reason[:256]
    pool.paused_at = utcnow() if by else None
    available = pool_balances(session, pool.id).available
    audit.record(
        session,
        actor,
        "ledger.paused" if by else "ledger.resumed",
        object_type="ledger_pool",
        object_id=pool.id,
        before=before,
        after={"paused_by": by, "reason": pool.pause_reason},
        detail={"available_fen": available, "pause_below_fen": pool.pause_below_fen},
        jurisdiction_code=pool.jurisdiction_code,
    )
    session.flush()


def evaluate(session: Session, actor: AuditActor, pool_id: int) -> str:
    """Pause or resume the pool by its available money; returns ``paused``, ``resumed`` or
    an empty string when nothing changed. A manual pause is left to the office."""
    pool = pool_or_404(session, pool_id)
    if pool.paused_by == MANUAL or pool.closed_at is not None:
        return ""
    short = pool_balances(session, pool_id).available < pool.pause_below_fen
    if short and not pool.paused_by:
        _set(session, actor, pool, AUTO, AUTO_REASON)
        return "paused"
    if not short and pool.paused_by == AUTO:
        _set(session, actor, pool, "", "")
        return "resumed"
    return ""


def pause_if_short(session: Session, pool_ids: Iterable[int]) -> list[int]:
    """Right after money was drawn from ``pool_ids``: pause (auto) each open pool whose
    available money can no longer cover the next sale; returns the pools paused here.

    One statement finds them; a conditional update sets the pause, so of two transactions
    that both drew the pool below its floor only one pauses it and audits."""
    ids = sorted(set(pool_ids))
    if not ids:
        return []
    money = (
        select(Shard.pool_id, func.sum(Shard.available).label("available"))
        .where(Shard.pool_id.in_(ids))
        .group_by(Shard.pool_id)
        .subquery()
    )
    short = session.execute(
        select(Pool.id, money.c.available)
        .join(money, money.c.pool_id == Pool.id)
        .where(
            Pool.paused_by == "",
            Pool.closed_at.is_(None),
            money.c.available < Pool.pause_below_fen,
        )
    ).all()
    return [pool_id for pool_id, available in short if _auto_pause(session, pool_id, available)]


def _auto_pause(session: Session, pool_id: int, available: int) -> bool:
    changed = session.execute(
        update(Pool)
        .where(Pool.id == pool_id, Pool.paused_by == "")
        .values(paused_by=AUTO, pause_reason=AUTO_REASON, paused_at=utcnow())
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    pool = pool_or_404(session, pool_id)
    memo: dict[int, list[Pool]] | None = session.info.get(MEMO)
    if memo is not None and pool.period_year in memo:
        memo[pool.period_year].append(pool)
    audit.record(
        session,
        SYSTEM,
        "ledger.paused",
        object_type="ledger_pool",
        object_id=pool_id,
        before={"paused_by": "", "reason": ""},
        after={"paused_by": AUTO, "reason": AUTO_REASON},
        detail={"available_fen": int(available), "pause_below_fen": pool.pause_below_fen},
        jurisdiction_code=pool.jurisdiction_code,
    )
    return True


def resume_if_covered(session: Session, pool_id: int, actor: AuditActor = SYSTEM) -> bool:
    """Right after money came into the pool: lift a pause the pool set by itself once its
    money covers the next sale again (a manual pause waits for the office)."""
    pool = session.get(Pool, pool_id)
    if pool is None or pool.paused_by != AUTO:
        return False
    return evaluate(session, actor, pool_id) == "resumed"


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Required("请填写暂停或恢复的理由", field="reason")
    return reason


def pause(session: Session, actor: Actor, *, pool_id: int, reason: str) -> Pool:
    """The office pauses sales on the pool by hand; holds until it resumes them."""
    reason = _reason(reason)
    pool = pool_or_404(session, pool_id)
    visible(actor, pool, pool.jurisdiction_code, "预算池不存在")
    if pool.paused_by != MANUAL:
        _set(session, actor, pool, MANUAL, reason)
    return pool


def resume(session: Session, actor: Actor, *, pool_id: int, reason: str) -> Pool:
    """The office lifts a pause; if the money still cannot cover a sale the pool pauses
    again by itself at once (and says so)."""
    reason = _reason(reason)
    pool = pool_or_404(session, pool_id)
    visible(actor, pool, pool.jurisdiction_code, "预算池不存在")
    if pool.paused_by:
        _set(session, actor, pool, "", reason)
    evaluate(session, actor, pool_id)
    return pool


def describe(pool: Pool, available_fen: int) -> str:
    """One line for pages: the state and, while paused, why."""
    if not pool.paused_by:
        return STATE_LABELS[""]
    if pool.paused_by == AUTO:
        return f"{STATE_LABELS[AUTO]}（可用{yuan_grouped(available_fen)}元）"
    return f"{STATE_LABELS[MANUAL]}：{pool.pause_reason}"
