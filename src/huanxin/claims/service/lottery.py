"""A lottery anyone can check (摇号), for timed releases where demand exceeds supply.

When a lottery round opens, a random 32-byte seed is drawn and only its SHA-256 is published.
Consumers enter until the entries close (an entry after that is refused); each entry is
published under its ticket, a hash of the person's keyed hash and the round, never the
person. After the close the office draws: tickets are ordered by
``SHA-256(seed bytes ‖ ticket as UTF-8)`` (hex, ticket as tie-break) and the first
``offered`` win; the seed is published with the draw. Anyone holding the published record
reproduces the order (``huanxin lottery verify record.json``) and checks the seed against
the hash published before the close. Winners get their quota through the same issue path
as any released quota (caps and counter included), and like every quota issue the draw
calls ``ledger.check_open``: while sales are paused there it is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    LotteryClosed,
    NotEligible,
    QuotaLimitReached,
    QuotaSoldOut,
    RealNameRequired,
    ReleaseNotOpen,
)
from huanxin.claims.models import LotteryEntry, QuotaRelease, ReleaseRound
from huanxin.claims.service import releases
from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import CHINA_TZ, as_utc
from huanxin.core.errors import Conflict, NotFound
from huanxin.core.models import User
from huanxin.ledger import service as ledger
from huanxin.ledger.errors import SalesPaused


def ticket_for(round_id: int, person_key: str) -> str:
    return sha256(f"{round_id}:{person_key}".encode()).hexdigest()[:12].upper()


def draw_order(seed_hex: str, tickets: list[str]) -> list[str]:
    """Every ticket in draw order: the whole rule of the lottery.

    >>> draw_order("00" * 32, ["B", "A"]) == draw_order("00" * 32, ["A", "B"])
    True
    """
    seed = bytes.fromhex(seed_hex)
    return sorted(tickets, key=lambda t: (sha256(seed + t.encode()).hexdigest(), t))


def _clock(value: datetime) -> str:
    return f"{as_utc(value).astimezone(CHINA_TZ):%H:%M}"


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None or not user.resident_id_hash:
        raise RealNameRequired("参加摇号须先完成实名认证（登记身份证号码）", field="resident_id")
    return user


def _lottery_release(session: Session, actor: Actor, release_id: int) -> QuotaRelease:
    release = releases.get_release(session, actor, release_id)
    if release.mode != "lottery":
        raise NotEligible("该发放计划为先到先得，无需报名摇号", field="release_id")
    return release


def enter(session: Session, actor: Actor, *, release_id: int, now: datetime) -> LotteryEntry:
    """Enter today's lottery round of ``release_id``, within the caps, before the close."""
    user = _user(session, actor)
    release = _lottery_release(session, actor, release_id)
    name = releases.category_name(session, release)
    rnd = releases.round_for(session, release, releases.local_day(now), now)
    if rnd is None:
        raise ReleaseNotOpen(
            f"今日「{name}」摇号报名尚未开始，{releases.next_text(release, now)}",
            field="release_id",
        )
    assert rnd.entries_close_at is not None
    if now >= as_utc(rnd.entries_close_at):
        raise LotteryClosed(
            f"本场摇号报名已于{_clock(rnd.entries_close_at)}截止，不再接受报名",
            field="release_id",
        )
    person_key = user.resident_id_hash or ""
    releases.person_caps(session, release, person_key, rnd.day, name)
    entry = LotteryEntry(
        round_id=rnd.id,
        person_key=person_key,
        consumer_user_id=user.id,
        jurisdiction_code=actor.jurisdiction_code,
        ticket=ticket_for(rnd.id, person_key),
        created_at=as_utc(now),
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:
        raise Conflict("您已报名本场摇号，请等待开奖", field="release_id") from None
    audit.record(
        session,
        actor,
        "lottery.entered",
        object_type="lottery_round",
        object_id=rnd.id,
        after={"ticket": entry.ticket},
        jurisdiction_code=actor.jurisdiction_code,
    )
    return entry


def get_round(session: Session, actor: Actor, round_id: int) -> tuple[ReleaseRound, QuotaRelease]:
    rnd = session.get(ReleaseRound, round_id)
    release = session.get(QuotaRelease, rnd.release_id) if rnd else None
    visible(actor, release, release.jurisdiction_code if release else None, "摇号场次不存在")
    assert rnd is not None and release is not None
    return rnd, release


def _entries(session: Session, round_id: int) -> list[LotteryEntry]:
    stmt = select(LotteryEntry).where(LotteryEntry.round_id == round_id)
    return list(session.scalars(stmt.order_by(LotteryEntry.ticket)))


def draw(session: Session, actor: Actor, *, round_id: int, now: datetime) -> ReleaseRound:
    """Draw a closed round: the first ``offered`` tickets in draw order win and get a quota."""
    rnd, release = get_round(session, actor, round_id)
    return _draw(session, actor, rnd, release, now)


@dataclass
class DrawRun:
    drawn: int = 0
    winners: int = 0
    waiting: int = 0  # closed rounds whose draw waits for sales to resume


def draw_due(session: Session, now: datetime) -> DrawRun:
    """Draw every round whose entries have closed and that is not drawn yet (the scheduled
    ``lottery_draws`` job, as the system). Each draw is its own savepoint: a round where
    sales are paused waits for the next run; a drawn round is never drawn again."""
    stmt = select(ReleaseRound).where(
        ReleaseRound.seed.is_not(None),
        ReleaseRound.drawn_at.is_(None),
        ReleaseRound.entries_close_at <= as_utc(now),
    )
    run = DrawRun()
    for rnd in list(session.scalars(stmt.order_by(ReleaseRound.id))):
        release = session.get(QuotaRelease, rnd.release_id)
        assert release is not None
        try:
            with session.begin_nested():
                _draw(session, audit.SYSTEM, rnd, release, now)
        except SalesPaused:
            run.waiting += 1
            continue
        run.drawn += 1
        run.winners += sum(1 for e in _entries(session, rnd.id) if e.quota_id is not None)
    return run


def _draw(
    session: Session,
    actor: AuditActor,
    rnd: ReleaseRound,
    release: QuotaRelease,
    now: datetime,
) -> ReleaseRound:
    if rnd.seed is None or rnd.entries_close_at is None:
        raise NotEligible("该场次不是摇号发放", field="round_id")
    if now < as_utc(rnd.entries_close_at):
        raise LotteryClosed(
            f"报名尚未截止（{_clock(rnd.entries_close_at)}截止），不能开奖", field="round_id"
        )
    claimed = session.execute(  # the office and the job may both try: one draws
        update(ReleaseRound)
        .where(ReleaseRound.id == rnd.id, ReleaseRound.drawn_at.is_(None))
        .values(drawn_at=as_utc(now))
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("该场次已开奖", field="round_id")
    entries = {e.ticket: e for e in _entries(session, rnd.id)}
    winners = draw_order(rnd.seed, list(entries))[: rnd.offered]
    _check_open(session, release, rnd, {entries[t].jurisdiction_code for t in winners})
    name = releases.category_name(session, release)
    for ticket in winners:
        _award(session, actor, release, rnd, entries[ticket], name, now)
    audit.record(
        session,
        actor,
        "lottery.drawn",
        object_type="lottery_round",
        object_id=rnd.id,
        after={"seed": rnd.seed, "entries": len(entries), "winners": len(winners)},
        jurisdiction_code=release.jurisdiction_code,
    )
    return rnd


def _check_open(
    session: Session, release: QuotaRelease, rnd: ReleaseRound, places: set[str]
) -> None:
    """A paused jurisdiction issues no quotas, by lottery either: while sales of the
    programme are paused where a winner lives, the draw is refused whole (409
    ``sales_paused``, nothing drawn) and runs once the money is back."""
    for code in sorted(places):
        ledger.check_open(
            session, programme_ids=[release.programme_id], jurisdiction_code=code, on=rnd.day
        )


def _award(
    session: Session,
    actor: AuditActor,
    release: QuotaRelease,
    rnd: ReleaseRound,
    entry: LotteryEntry,
    name: str,
    now: datetime,
) -> None:
    """A winner's quota, unless a cap was reached since entering (then it returns to the
    next release with the other unissued quotas)."""
    entry.won = True
    user = session.get(User, entry.consumer_user_id)
    assert user is not None
    try:
        quota = releases.grant(
            session,
            actor,
            release=release,
            rnd=rnd,
            user=user,
            jurisdiction_code=entry.jurisdiction_code,
            name=name,
            now=now,
        )
    except (QuotaLimitReached, QuotaSoldOut):
        return
    entry.quota_id = quota.id


# --- the published record and its check --------------------------------------------------


def record(session: Session, round_id: int) -> dict[str, Any]:
    """The round as published: anyone may read it (no person, only tickets)."""
    rnd = session.get(ReleaseRound, round_id)
    if rnd is None or rnd.seed_hash is None:
        raise NotFound("摇号场次不存在")
    release = session.get(QuotaRelease, rnd.release_id)
    assert release is not None
    tickets = [e.ticket for e in _entries(session, rnd.id)]
    drawn = rnd.drawn_at is not None
    return {
        "round_id": rnd.id,
        "release_id": release.id,
        "category": release.category,
        "day": rnd.day.isoformat(),
        "offered": rnd.offered,
        "seed_hash": rnd.seed_hash,
        "entries_close_at": as_utc(rnd.entries_close_at).isoformat()
        if rnd.entries_close_at
        else None,
        "tickets": tickets,
        "drawn_at": as_utc(rnd.drawn_at).isoformat() if rnd.drawn_at else None,
        "seed": rnd.seed if drawn else None,
        "winners": draw_order(rnd.seed, tickets)[: rnd.offered] if drawn and rnd.seed else [],
    }


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problems: list[str]
    winners: list[str]


def verify(published: dict[str, Any]) -> Verdict:
    """Reproduce a published draw from its seed and tickets alone."""
    seed, tickets = published.get("seed"), list(published.get("tickets") or [])
    if not seed:
        return Verdict(False, ["尚未开奖，没有公布种子"], [])
    problems = []
    try:
        commitment = sha256(bytes.fromhex(seed)).hexdigest()
    except ValueError:
        return Verdict(False, ["种子格式不正确"], [])
    if commitment != published.get("seed_hash"):
        problems.append("种子与报名截止前公布的哈希值不符")
    if len(set(tickets)) != len(tickets):
        problems.append("报名编号有重复")
    winners = draw_order(seed, tickets)[: int(published.get("offered") or 0)]
    if winners != list(published.get("winners") or []):
        problems.append("中签名单与按种子和报名名单重算的结果不符")
    return Verdict(not problems, problems, winners)
