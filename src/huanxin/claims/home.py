"""Home-page items of the trade-in domain, read from the database: what waits for each role
(a reviewer's claims to decide, finance's claims to pay, batches to export and bank results to
import, the statutory clocks), a merchant's sales today and how its money stands, and a
consumer's quotas with their expiry and claims in progress. Each item links to the list
filtered to that work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.claims import lists, states
from huanxin.claims.models import PaymentBatch, Quota
from huanxin.claims.service import common, overdue
from huanxin.claims.service.find import WAITING
from huanxin.core.actor import Actor
from huanxin.core.clock import local_text, today_cn, utcnow
from huanxin.core.money import money_text
from huanxin.core.vocab import CATEGORIES
from huanxin.web.ui import Figure, HomeItem, count_figure, money_figure

QUOTAS_SHOWN = 4


@dataclass(frozen=True)
class Tally:
    count: int = 0
    fen: int = 0


def _tally(session: Session, actor: Actor, day: str = "") -> dict[str, Tally]:
    """Claims the actor may see, counted and summed (subsidy) per state."""
    stmt = common.readable(actor)
    if day:
        stmt = stmt.where(lists.since(day))
    sub = stmt.subquery()
    rows = session.execute(
        select(sub.c.state, func.count(), func.coalesce(func.sum(sub.c.subsidy_fen), 0)).group_by(
            sub.c.state
        )
    )
    return {state: Tally(int(n), int(fen)) for state, n, fen in rows}


def _sum(tally: dict[str, Tally], wanted: tuple[str, ...]) -> Tally:
    parts = [tally[s] for s in wanted if s in tally]
    return Tally(sum(t.count for t in parts), sum(t.fen for t in parts))


def _clocks(session: Session, actor: Actor) -> list[HomeItem]:
    counts = overdue.alert_counts(session, actor, today_cn())
    return [
        count_figure("逾期未办事项", counts["overdue"], "/clocks", todo=True),
        count_figure("两个工作日内到期", counts["due_soon"], "/clocks", todo=True),
    ]


def _reviewer(tally: dict[str, Tally]) -> list[HomeItem]:
    """Claims by state for those who review them: what waits first, then each open state."""
    waiting = _sum(tally, WAITING)
    out: list[HomeItem] = [
        count_figure(
            "待审核申请",
            waiting.count,
            "/claims?state=waiting",
            unit="件",
            note=f"补贴 {money_text(waiting.fen)}",
            todo=True,
        )
    ]
    for state in ("approved", "batched", "paid", "rejected"):
        t = tally.get(state, Tally())
        out.append(
            count_figure(
                f"申请·{states.LABELS[state]}",
                t.count,
                f"/claims?state={state}",
                unit="件",
                note=f"补贴 {money_text(t.fen)}",
            )
        )
    return out


def _finance(session: Session, actor: Actor, tally: dict[str, Tally]) -> list[HomeItem]:
    """What waits for finance: approved claims to pay, batches to send, bank results to import."""
    to_pay = tally.get("approved", Tally())
    batches = dict(
        session.execute(
            select(PaymentBatch.state, func.count())
            .where(PaymentBatch.jurisdiction_code.in_(actor.scope_codes))
            .group_by(PaymentBatch.state)
        ).all()
    )
    return [
        money_figure(
            "待支付补贴",
            to_pay.fen,
            "/claims?state=to_pay",
            note=f"{to_pay.count:,} 件申请",
            todo=True,
        ),
        count_figure(
            "待导出支付批次", int(batches.get("open", 0)), "/settlement", unit="批", todo=True
        ),
        count_figure(
            "待导入银行回单", int(batches.get("exported", 0)), "/settlement", unit="批", todo=True
        ),
    ]


def _merchant(session: Session, actor: Actor) -> list[HomeItem]:
    """A merchant's sales today and how its subsidy money stands (its own sales only)."""
    today = _sum(_tally(session, actor, "today"), lists.VIEWS["open"])
    tally = _tally(session, actor)
    review = _sum(tally, WAITING)
    return [
        count_figure("今日核销", today.count, "/claims?state=open&day=today", unit="笔", todo=True),
        money_figure("今日补贴", today.fen, "/claims?state=open&day=today", todo=True),
        money_figure(
            "待审核补贴", review.fen, "/claims?state=waiting", note=f"{review.count:,} 笔"
        ),
        money_figure(
            "待拨付补贴",
            _sum(tally, ("approved",)).fen,
            "/claims?state=to_pay",
            note=f"{tally.get('approved', Tally()).count:,} 笔",
        ),
        money_figure(
            "支付中补贴",
            tally.get("batched", Tally()).fen,
            "/claims?state=batched",
            note=f"{tally.get('batched', Tally()).count:,} 笔",
        ),
        money_figure(
            "已到账补贴",
            tally.get("paid", Tally()).fen,
            "/statements",
            note=f"{tally.get('paid', Tally()).count:,} 笔",
        ),
    ]


def _consumer(session: Session, actor: Actor) -> list[HomeItem]:
    """A consumer's usable quotas, soonest to expire first, and claims in progress."""
    usable = list(
        session.scalars(
            select(Quota)
            .where(
                Quota.consumer_user_id == actor.user_id,
                Quota.state == "issued",
                Quota.expires_at > utcnow(),
            )
            .order_by(Quota.expires_at, Quota.id)
        )
    )
    out: list[HomeItem] = [
        Figure(
            f"{CATEGORIES.label(q.category)}补贴券",
            "可使用",
            "/my",
            note=f"有效至 {local_text(q.expires_at)[:10]}",
            todo=True,
        )
        for q in usable[:QUOTAS_SHOWN]
    ]
    if len(usable) > QUOTAS_SHOWN:
        out.append(count_figure("其余可用补贴券", len(usable) - QUOTAS_SHOWN, "/my", unit="张"))
    if not usable:
        out.append(Figure("可用补贴券", "暂无", "/my", note="可在「我的补贴」领取", todo=True))
    progress = _sum(_tally(session, actor), lists.VIEWS["open"])
    out.append(count_figure("办理中的补贴申请", progress.count, "/my", unit="件", todo=True))
    return out


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    if actor.role == "merchant":
        return _merchant(session, actor)
    if actor.role == "consumer":
        return _consumer(session, actor)
    out: list[HomeItem] = []
    if actor.can("settlement:write"):
        out += _finance(session, actor, _tally(session, actor))
    elif actor.can("claims:read"):
        out += _reviewer(_tally(session, actor))
    if actor.can("clocks:read"):
        out += _clocks(session, actor)
    return out
