"""Consumer quotas (资格券): claim one per category, look it up at the point of sale.

The slot number makes the database enforce the per-person limit: slot k of
(person, programme, category, period) exists at most once, and k runs 1..limit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    IdentityNotVerified,
    NotEligible,
    QuotaLimitReached,
    QuotaNotAvailable,
)
from huanxin.claims.models import Quota
from huanxin.claims.service import releases
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.audit import AuditActor
from huanxin.core.clock import as_utc, utcnow
from huanxin.core.errors import Required
from huanxin.core.models import User
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import PaymentMode, Programme, QuotaPeriod, select_version

QUOTA_VALID_DAYS = 30
_S = TypeVar("_S", "Select[Quota]", "Select[Quota, User]")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def period_key(programme: Programme, on_date: date) -> str:
    if programme.quota and programme.quota.period is QuotaPeriod.calendar_year:
        return str(on_date.year)
    end = programme.effective.end.isoformat() if programme.effective.end else "open"
    return f"{programme.effective.start.isoformat()}..{end}"


def quota_programme(session: Session, code: str, category: str, on_date: date) -> Programme:
    """The point-of-sale programme with a quota for ``category`` in force at ``code``."""
    path = policies.path_of(session, code)
    by_id: dict[str, list[Programme]] = {}
    for p in policies.all_versions(session):
        national_or_local = p.jurisdiction.code == "100000" or p.jurisdiction.code in path
        if (
            p.payment_mode is PaymentMode.point_of_sale
            and p.quota
            and p.category(category)
            and national_or_local
        ):
            by_id.setdefault(p.id, []).append(p)
    live = [v for vs in by_id.values() if (v := select_version(vs, on_date))]
    if not live:
        raise NotEligible(
            f"{on_date.isoformat()}当地没有该品类的即时立减补贴政策", field="category"
        )
    return min(live, key=lambda p: (p.jurisdiction.level != "national", p.id))


def new_quota(
    *,
    user: User,
    person_key: str,
    programme_id: str,
    category: str,
    period_key: str,
    slot: int,
    jurisdiction_code: str,
    expires_at: datetime,
    on_date: date,
) -> Quota:
    return Quota(
        code=new_code(),
        person_key=person_key,
        consumer_user_id=user.id,
        programme_id=programme_id,
        category=category,
        period_key=period_key,
        slot=slot,
        jurisdiction_code=jurisdiction_code,
        state="issued",
        expires_at=expires_at,
        created_at=utcnow(),
        issued_on=on_date,
    )


def issue(
    session: Session,
    actor: AuditActor,
    quota: Quota,
    *,
    detail: dict[str, object] | None = None,
    alongside: Callable[[Quota], None] | None = None,
) -> bool:
    """The one place a quota is issued (by a claim, a timed release or a lottery draw).

    Inserts ``quota`` (and runs ``alongside`` in the same savepoint); False when its slot is
    taken already, so the caller tries the next slot. A refusal raised by ``alongside``
    undoes the insert."""
    try:
        with session.begin_nested():
            session.add(quota)
            session.flush()
            if alongside is not None:
                alongside(quota)
    except IntegrityError:
        return False
    audit.record(
        session,
        actor,
        "quota.issued",
        object_type="quota",
        object_id=quota.id,
        after={
            "category": quota.category,
            "slot": quota.slot,
            "period": quota.period_key,
            **(detail or {}),
        },
        jurisdiction_code=quota.jurisdiction_code,
    )
    return True


def claim_quota(
    session: Session, actor: Actor, *, category: str, on_date: date, now: datetime | None = None
) -> Quota:
    """Give the consumer the next free slot of their category quota; where a timed release
    schedule covers the category today, the quota comes from today's release instead."""
    user = session.get(User, actor.user_id)
    if user is None or not user.resident_id_hash:
        raise IdentityNotVerified("领取资格须先完成实名认证（登记身份证号码）", field="resident_id")
    category = policies.resolve_category(session, category)
    programme = quota_programme(session, actor.jurisdiction_code, category, on_date)
    assert programme.quota is not None
    ledger.check_open(
        session, programme_ids=[programme.id], jurisdiction_code=actor.jurisdiction_code, on=on_date
    )
    now = as_utc(now or utcnow())
    release = releases.active_release(
        session,
        programme_id=programme.id,
        category=category,
        path=policies.path_of(session, actor.jurisdiction_code),
        day=releases.local_day(now),
    )
    if release is not None:
        return releases.claim(
            session, actor, release=release, programme=programme, user=user, now=now
        )
    limit, period = programme.quota.limit(category), period_key(programme, on_date)
    for slot in range(1, limit + 1):
        quota = new_quota(
            user=user,
            person_key=user.resident_id_hash,
            programme_id=programme.id,
            category=category,
            period_key=period,
            slot=slot,
            jurisdiction_code=actor.jurisdiction_code,
            expires_at=utcnow() + timedelta(days=QUOTA_VALID_DAYS),
            on_date=on_date,
        )
        if issue(session, actor, quota):
            return quota
    name = programme.category(category).name  # type: ignore[union-attr]
    raise QuotaLimitReached(
        f"您本期的「{name}」补贴资格已用完（每人限{limit}件）", field="category"
    )


def lock(session: Session, quota: Quota, claim_id: int) -> None:
    """issued → locked, atomically; a second use of the same quota fails here."""
    result = session.execute(
        update(Quota)
        .where(Quota.id == quota.id, Quota.state == "issued", Quota.expires_at > utcnow())
        .values(state="locked", claim_id=claim_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise QuotaNotAvailable("补贴资格已被使用、已过期或不存在", field="quota_code")


def set_state(session: Session, quota_id: int | None, state: str) -> None:
    if quota_id is None:
        return
    values: dict[str, object] = {"state": state}
    if state == "issued":
        values["claim_id"] = None
    session.execute(
        update(Quota)
        .where(Quota.id == quota_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _redeemable(stmt: _S, *, quota_code: str | None, person_key: str | None, category: str) -> _S:
    stmt = stmt.where(Quota.category == category, Quota.state == "issued")
    if quota_code:
        return stmt.where(Quota.code == quota_code.strip().upper()).limit(1)
    if person_key:
        return stmt.where(Quota.person_key == person_key).order_by(Quota.slot).limit(1)
    raise Required("请输入补贴资格码或消费者身份证号码", field="quota_code")


def not_found() -> QuotaNotAvailable:
    return QuotaNotAvailable("未找到该品类可用的补贴资格（可能已使用或已过期）", field="quota_code")


def find_with_person(
    session: Session, *, quota_code: str | None, person_key: str | None, category: str
) -> tuple[Quota, User | None]:
    """The quota a sale may redeem (by its code, else the person's for the category) and the
    quota's consumer, in one query; ``QuotaNotAvailable`` if there is none."""
    base = select(Quota, User).outerjoin(User, User.id == Quota.consumer_user_id)
    stmt = _redeemable(base, quota_code=quota_code, person_key=person_key, category=category)
    row = session.execute(stmt).first()
    if row is None:
        raise not_found()
    quota, user = row
    return quota, user


def find_many_by_code(session: Session, codes: set[str]) -> dict[str, tuple[Quota, User | None]]:
    """Issued quotas by code with their consumers, in one query (a batch of sales)."""
    if not codes:
        return {}
    stmt = (
        select(Quota, User)
        .outerjoin(User, User.id == Quota.consumer_user_id)
        .where(Quota.code.in_(sorted(codes)), Quota.state == "issued")
    )
    return {quota.code: (quota, user) for quota, user in session.execute(stmt).all()}


def lock_many(session: Session, quota_ids: list[int]) -> set[int]:
    """issued → locked for many quotas in one statement; returns the ids it locked (a quota
    used or expired meanwhile is missing)."""
    stmt = (
        update(Quota)
        .where(Quota.id.in_(quota_ids), Quota.state == "issued", Quota.expires_at > utcnow())
        .values(state="locked")
        .returning(Quota.id)
        .execution_options(synchronize_session=False)
    )
    return set(session.scalars(stmt))


def link_claims(session: Session, claim_of: dict[int, int]) -> None:
    """Point many locked quotas at their claims: one statement run for each quota
    (executemany: one round trip on PostgreSQL, compiled once per process, where a CASE
    over every quota was compiled anew for every batch)."""
    if not claim_of:
        return
    table = cast(Table, Quota.__table__)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("quota_id"))
        .values(claim_id=bindparam("linked_claim_id"))
    )
    rows = [{"quota_id": q, "linked_claim_id": c} for q, c in claim_of.items()]
    session.connection().execute(stmt, rows)


def list_for(session: Session, actor: Actor) -> list[Quota]:
    return list(
        session.scalars(
            select(Quota).where(Quota.consumer_user_id == actor.user_id).order_by(Quota.id.desc())
        )
    )


def expire_due(session: Session, now: datetime) -> int:
    """Issued quotas past their date become ``expired`` (a locked one waits for its claim);
    how many did, recorded in one audit entry of the expiry job."""
    ids = list(
        session.scalars(select(Quota.id).where(Quota.state == "issued", Quota.expires_at <= now))
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(
            update(Quota)
            .where(Quota.id.in_(chunk), Quota.state == "issued")
            .values(state="expired")
            .execution_options(synchronize_session=False)
        )
    if ids:
        audit.record(
            session,
            audit.SYSTEM,
            "quota.expired",
            object_type="job",
            object_id="quota_expiry",
            detail={"count": len(ids)},
        )
    return len(ids)
