"""Timed quota releases (定时放券): schedules, the day's rounds, and claiming from them.

A schedule releases ``per_release`` quotas of one category every day at a set time, each
valid until midnight (or for a number of minutes); a person gets at most ``day_cap`` a day
and ``month_cap`` a month per category. A day's round is opened by the first request after
its release time: it offers the day's quotas plus every quota of earlier days that was never
issued or expired unused (``offered = per_release × days so far − used before``), so expiry
returns unused quotas to the next release. The round's ``issued`` counter only moves by a
conditional ``UPDATE … WHERE issued < offered``, so a burst issues exactly ``offered``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from hashlib import sha256
from time import monotonic

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import QuotaLimitReached, QuotaSoldOut, ReleaseNotOpen
from huanxin.claims.models import Quota, QuotaRelease, ReleaseGrant, ReleaseRound
from huanxin.claims.service import allotments
from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import CHINA_TZ, as_utc
from huanxin.core.models import User
from huanxin.core.vocab import CATEGORIES
from huanxin.policy.api import Programme

USED = ("locked", "used")


@dataclass(frozen=True)
class NextRelease:
    """What a consumer sees of a schedule: when the next quotas come and how many are left."""

    release: QuotaRelease
    opens_at: datetime | None  # None: the schedule has ended
    left_today: int | None  # quotas left in today's open round, None if none is open


def opens_at(release: QuotaRelease, day: date) -> datetime:
    midnight = datetime.combine(day, time(0), CHINA_TZ)
    return midnight + timedelta(minutes=release.release_minute)


def expires_at(release: QuotaRelease, day: date) -> datetime:
    if release.valid_minutes is None:
        return datetime.combine(day + timedelta(days=1), time(0), CHINA_TZ)
    return opens_at(release, day) + timedelta(minutes=release.valid_minutes)


def local_day(now: datetime) -> date:
    return as_utc(now).astimezone(CHINA_TZ).date()


def category_name(session: Session, release: QuotaRelease) -> str:
    return CATEGORIES.label(release.category)


def time_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def active_release(
    session: Session, *, programme_id: str, category: str, path: list[str], day: date
) -> QuotaRelease | None:
    """The schedule for the category on ``day`` at the most specific place of ``path``."""
    stmt = select(QuotaRelease).where(
        QuotaRelease.programme_id == programme_id,
        QuotaRelease.category == category,
        QuotaRelease.jurisdiction_code.in_(path),
        QuotaRelease.first_day <= day,
        QuotaRelease.last_day >= day,
    )
    found = list(session.scalars(stmt))
    return max(found, key=lambda r: path.index(r.jurisdiction_code), default=None)


# --- rounds ------------------------------------------------------------------------------


def _used_before(session: Session, release_id: int, day: date) -> int:
    stmt = (
        select(func.count())
        .select_from(ReleaseGrant)
        .join(ReleaseRound, ReleaseRound.id == ReleaseGrant.round_id)
        .join(Quota, Quota.id == ReleaseGrant.quota_id)
        .where(
            ReleaseRound.release_id == release_id,
            ReleaseRound.day < day,
            Quota.state.in_(USED),
        )
    )
    return int(session.scalar(stmt) or 0)


def _expire_earlier(session: Session, release_id: int, day: date, now: datetime) -> None:
    """Quotas of earlier rounds still unused after their validity become ``expired``."""
    earlier = (
        select(ReleaseGrant.quota_id)
        .join(ReleaseRound, ReleaseRound.id == ReleaseGrant.round_id)
        .where(ReleaseRound.release_id == release_id, ReleaseRound.day < day)
    )
    session.execute(
        update(Quota)
        .where(Quota.id.in_(earlier), Quota.state == "issued", Quota.expires_at <= now)
        .values(state="expired")
        .execution_options(synchronize_session=False)
    )


def new_round(session: Session, release: QuotaRelease, day: date, now: datetime) -> ReleaseRound:
    days = (day - release.first_day).days + 1
    offered = release.per_release * days - _used_before(session, release.id, day)
    seed = secrets.token_hex(32) if release.mode == "lottery" else None
    start = as_utc(opens_at(release, day))  # stored in UTC: SQLite keeps no offset
    return ReleaseRound(
        release_id=release.id,
        day=day,
        opens_at=start,
        expires_at=as_utc(expires_at(release, day)),
        offered=offered,
        carried_in=offered - release.per_release,
        issued=0,
        seed=seed,
        seed_hash=sha256(bytes.fromhex(seed)).hexdigest() if seed else None,
        entries_close_at=(start + timedelta(minutes=release.entry_minutes or 0) if seed else None),
    )


def find_round(session: Session, release_id: int, day: date) -> ReleaseRound | None:
    stmt = select(ReleaseRound).where(
        ReleaseRound.release_id == release_id, ReleaseRound.day == day
    )
    return session.scalars(stmt).first()


def round_for(
    session: Session, release: QuotaRelease, day: date, now: datetime
) -> ReleaseRound | None:
    """The day's round, opened (and earlier rounds' unused quotas expired) by the first
    request after the release time; None before it. Concurrent openers meet on the unique
    (schedule, day) and all read the one that won."""
    now = as_utc(now)  # compared with stored UTC values (SQLite keeps no offset)
    found = find_round(session, release.id, day)
    if found is not None or now < opens_at(release, day):
        return found
    _expire_earlier(session, release.id, day, now)
    candidate = new_round(session, release, day, now)
    try:
        with session.begin_nested():
            session.add(candidate)
    except IntegrityError:
        return find_round(session, release.id, day)
    session.info.setdefault(_OPENED, set()).add(candidate.id)
    audit.record(
        session,
        audit.SYSTEM,
        "quota_release.opened",
        object_type="quota_release",
        object_id=release.id,
        after={
            "day": day.isoformat(),
            "offered": candidate.offered,
            "seed_hash": candidate.seed_hash,
        },
        jurisdiction_code=release.jurisdiction_code,
    )
    return candidate


def open_due(session: Session, now: datetime) -> list[ReleaseRound]:
    """Open today's round of every schedule whose release time has come (the scheduled
    ``quota_release_rounds`` job), so a lottery's seed hash is published and the day's
    offer stands before anyone asks. A round already open is left alone: safe to run
    twice, and a request that opened it first wins as usual."""
    day = local_day(now)
    stmt = select(QuotaRelease).where(QuotaRelease.first_day <= day, QuotaRelease.last_day >= day)
    opened = []
    for release in list(session.scalars(stmt.order_by(QuotaRelease.id))):
        if as_utc(now) < opens_at(release, day) or find_round(session, release.id, day):
            continue
        rnd = round_for(session, release, day, now)
        if rnd is not None:
            opened.append(rnd)
    return opened


# --- claiming ----------------------------------------------------------------------------


def next_opening(release: QuotaRelease, now: datetime) -> datetime | None:
    day = max(local_day(now), release.first_day)
    if now >= opens_at(release, day):
        day += timedelta(days=1)
    return opens_at(release, day) if day <= release.last_day else None


def _moment_text(value: datetime) -> str:
    local = as_utc(value).astimezone(CHINA_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def next_text(release: QuotaRelease, now: datetime) -> str:
    upcoming = next_opening(release, now)
    return f"下次发放：{_moment_text(upcoming)}" if upcoming else "本期发放已全部结束"


# Today's round of each schedule, once this process has read it committed: a round's row
# changes only in its ``issued`` counter, which a claim moves by statement, never by reading
# it here. A copy, not the session's object (a rollback there would expire it).
_ROUNDS: dict[tuple[int, date], ReleaseRound] = {}
_OPENED = "huanxin.releases.opened"  # session.info: rounds this transaction opened


def _today_round(
    session: Session, release: QuotaRelease, day: date, now: datetime
) -> ReleaseRound | None:
    key = (release.id, day)
    cached = _ROUNDS.get(key)
    if cached is not None:
        return cached
    found = round_for(session, release, day, now)
    if found is not None and found.id not in session.info.get(_OPENED, ()):
        for stale in [k for k in _ROUNDS if k[1] != day]:
            _ROUNDS.pop(stale, None)
        table = ReleaseRound.__table__.columns
        _ROUNDS[key] = ReleaseRound(**{c.key: getattr(found, c.key) for c in table})
    return found


def open_round(session: Session, release: QuotaRelease, now: datetime, name: str) -> ReleaseRound:
    """Today's round, open and not past its validity, or a refusal saying when the next is."""
    day = local_day(now)
    found = _today_round(session, release, day, now)
    if found is None:
        raise ReleaseNotOpen(
            f"今日「{name}」补贴券尚未开始发放，{next_text(release, now)}", field="category"
        )
    if now >= as_utc(found.expires_at):
        raise QuotaSoldOut(f"今日「{name}」补贴券发放已结束，{next_text(release, now)}")
    return found


def sold_out(
    release: QuotaRelease, now: datetime, name: str, rnd: ReleaseRound | None = None
) -> QuotaSoldOut:
    exc = QuotaSoldOut(f"今日「{name}」补贴券已领完，{next_text(release, now)}", field="category")
    if rnd is not None:
        exc.round_id = rnd.id  # type: ignore[attr-defined]  # read by note_sold_out
    return exc


# The 07:00 burst: once today's round is gone, tens of thousands of claims get the same
# 已领完. A round does not grow back (``issued`` only rises but for seats a process gives
# back when it exits, ``offered`` is fixed when the round opens; unused quotas go to the next
# day's round), so a process that answered 已领完 for (place, category) today remembers which
# round it was. The next claim of that place and category today gets the same answer without
# the claim's reads and writes: from memory while the round's counter was seen full less than
# ``allotments.RECHECK_SECONDS`` ago (by this process's allotment or by this check), else
# after reading only that round's counter. The route checks the request's Idempotency-Key
# first, so a retry of a claim that succeeded is replayed, not refused. A round not found, or
# not full, sends the claim the whole way.
@dataclass
class _Answered:
    round_id: int
    answer: QuotaSoldOut
    full_seen: float  # when the round's counter was last seen full (monotonic)


_SOLD_OUT: dict[tuple[str, str, date], _Answered] = {}


def known_sold_out(
    session: Session, jurisdiction_code: str, category: str, day: date
) -> QuotaSoldOut | None:
    """A fresh copy of the 已领完 this process gave here today, if its round is still full."""
    key = (jurisdiction_code, category, day)
    hit = _SOLD_OUT.get(key)
    if hit is None:
        return None
    fresh = monotonic() - hit.full_seen < allotments.RECHECK_SECONDS
    if not (fresh or allotments.known_full(hit.round_id)):
        full = select(ReleaseRound.id).where(
            ReleaseRound.id == hit.round_id,
            ReleaseRound.day == day,
            ReleaseRound.issued >= ReleaseRound.offered,
        )
        if session.scalar(full) is None:
            _SOLD_OUT.pop(key, None)
            return None
        hit.full_seen = monotonic()
    return QuotaSoldOut(hit.answer.message, field=hit.answer.field)


def note_sold_out(jurisdiction_code: str, category: str, day: date, exc: QuotaSoldOut) -> None:
    """Remember a 已领完 of a full round (not other refusals) for ``known_sold_out``."""
    round_id = getattr(exc, "round_id", None)
    if round_id is None:
        return
    for key in [k for k in _SOLD_OUT if k[2] != day]:  # yesterday's answers go
        _SOLD_OUT.pop(key, None)
    _SOLD_OUT[(jurisdiction_code, category, day)] = _Answered(int(round_id), exc, monotonic())


def forget_sold_out() -> None:
    """Forget this process's 已领完 answers and allotments (tests: the database was reset)."""
    _SOLD_OUT.clear()
    _ROUNDS.clear()
    allotments.forget()


@dataclass(frozen=True)
class Caps:
    day_used: int
    month_used: int


def person_caps(
    session: Session, release: QuotaRelease, person_key: str, day: date, name: str
) -> Caps:
    """How many the person already holds today and this month (one query); a refusal at
    either cap."""
    day_count = (
        select(func.count())
        .select_from(Quota)
        .where(
            Quota.person_key == person_key,
            Quota.programme_id == release.programme_id,
            Quota.category == release.category,
            Quota.period_key == day.isoformat(),
        )
        .scalar_subquery()
    )
    month_count = (
        select(func.count())
        .select_from(ReleaseGrant)
        .where(
            ReleaseGrant.person_key == person_key,
            ReleaseGrant.programme_id == release.programme_id,
            ReleaseGrant.category == release.category,
            ReleaseGrant.month == day.strftime("%Y-%m"),
        )
        .scalar_subquery()
    )
    day_used, month_used = session.execute(select(day_count, month_count)).one()
    if (day_used or 0) >= release.day_cap:
        raise QuotaLimitReached(
            f"您今日已领取「{name}」补贴券（每人每日限{release.day_cap}张）", field="category"
        )
    if (month_used or 0) >= release.month_cap:
        raise QuotaLimitReached(
            f"您本月已领取{release.month_cap}张「{name}」补贴券，已达每月上限", field="category"
        )
    return Caps(int(day_used or 0), int(month_used or 0))


def _take_one(session: Session, rnd: ReleaseRound) -> bool:
    """The round's counter moves by one unless every offered quota is issued."""
    result = session.execute(
        update(ReleaseRound)
        .where(ReleaseRound.id == rnd.id, ReleaseRound.issued < ReleaseRound.offered)
        .values(issued=ReleaseRound.issued + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def grant(
    session: Session,
    actor: AuditActor,
    *,
    release: QuotaRelease,
    rnd: ReleaseRound,
    user: User,
    jurisdiction_code: str,
    name: str,
    now: datetime,
) -> Quota:
    """Issue one quota of the round to ``user`` within the caps, or refuse. The slot numbers
    make the database refuse a concurrent second claim of the same person (retried once)."""
    from huanxin.claims.service import quotas

    person_key = user.resident_id_hash or ""
    pooled = release.mode != "lottery" and allotments.engine_of(session) is not None
    for _attempt in range(3):
        caps = person_caps(session, release, person_key, rnd.day, name)
        quota = quotas.new_quota(
            user=user,
            person_key=person_key,
            programme_id=release.programme_id,
            category=release.category,
            period_key=rnd.day.isoformat(),
            slot=caps.day_used + 1,
            jurisdiction_code=jurisdiction_code,
            expires_at=as_utc(rnd.expires_at),
            on_date=rnd.day,
        )
        month_grant = ReleaseGrant(
            round_id=rnd.id,
            person_key=person_key,
            programme_id=release.programme_id,
            category=release.category,
            month=rnd.day.strftime("%Y-%m"),
            slot=caps.month_used + 1,
        )

        seat: list[bool] = []

        def alongside(q: Quota, g: ReleaseGrant = month_grant, seat: list[bool] = seat) -> None:
            g.quota_id = q.id
            session.add(g)
            session.flush()
            taken = allotments.take(session, rnd) if pooled else None
            if taken is None:  # SQLite, a lottery, or a round this transaction opened
                taken = _take_one(session, rnd)
            else:
                seat.append(taken)
            if not taken:
                raise sold_out(release, now, name, rnd)

        if quotas.issue(session, actor, quota, detail={"release": release.id}, alongside=alongside):
            return quota
        if any(seat):  # the savepoint failed after its seat was taken
            allotments.put_back(session, rnd.id)
    raise QuotaLimitReached(f"您已领取「{name}」补贴券，请勿重复领取", field="category")


def claim(
    session: Session,
    actor: Actor,
    *,
    release: QuotaRelease,
    programme: Programme,
    user: User,
    now: datetime,
) -> Quota:
    """A consumer's claim on today's round of ``release`` (first come, first served)."""
    category = programme.category(release.category)
    name = category.name if category else release.category
    if release.mode == "lottery":
        raise ReleaseNotOpen(
            f"「{name}」补贴券以摇号方式发放，请在报名时间内报名参加摇号", field="category"
        )
    rnd = open_round(session, release, now, name)
    return grant(
        session,
        actor,
        release=release,
        rnd=rnd,
        user=user,
        jurisdiction_code=actor.jurisdiction_code,
        name=name,
        now=now,
    )


# --- reading -----------------------------------------------------------------------------


def get_release(session: Session, actor: Actor, release_id: int) -> QuotaRelease:
    release = session.get(QuotaRelease, release_id)
    code = release.jurisdiction_code if release else None
    if release is not None and code in _path_codes(session, actor):
        return release
    return visible(actor, release, code, "发放计划不存在")


def _path_codes(session: Session, actor: Actor) -> set[str]:
    from huanxin.policy import service as policies

    return set(policies.path_of(session, actor.jurisdiction_code))


def list_releases(session: Session, actor: Actor) -> list[QuotaRelease]:
    """Schedules in the actor's scope, and those that apply where the actor lives."""
    codes = set(actor.scope_codes) | _path_codes(session, actor)
    stmt = (
        select(QuotaRelease)
        .where(QuotaRelease.jurisdiction_code.in_(codes))
        .order_by(QuotaRelease.first_day.desc(), QuotaRelease.id.desc())
    )
    return list(session.scalars(stmt))


def rounds_of(session: Session, release_id: int, limit: int = 60) -> list[ReleaseRound]:
    stmt = (
        select(ReleaseRound)
        .where(ReleaseRound.release_id == release_id)
        .order_by(ReleaseRound.day.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def next_releases(session: Session, actor: Actor, now: datetime) -> list[NextRelease]:
    """For a consumer: each schedule that applies where they live and has not ended."""
    out = []
    for release in list_releases(session, actor):
        if release.last_day < local_day(now) or release.jurisdiction_code not in _path_codes(
            session, actor
        ):
            continue
        today = find_round(session, release.id, local_day(now))
        live = today is not None and now < as_utc(today.expires_at)
        out.append(
            NextRelease(
                release=release,
                opens_at=next_opening(release, now),
                left_today=(today.offered - today.issued) if today and live else None,
            )
        )
    return out
