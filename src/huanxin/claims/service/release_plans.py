"""Defining a timed release schedule, refused whole when it cannot be kept.

A schedule must name a point-of-sale programme with a quota that applies at its place and
one of its categories, a pool of that programme at or above the place, release times and
validity within one day, caps that agree, no overlap with another schedule of the same
programme, category and place, and no more money than the pool holds: every quota may draw
the category's largest per-item subsidy times the pool's share of the funding split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.errors import ReleasePlanInvalid
from huanxin.claims.models import QuotaRelease
from huanxin.core import audit
from huanxin.core.actor import Actor, within
from huanxin.core.clock import utcnow
from huanxin.core.money import percent_of, yuan_text
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import AmountRule, PaymentMode, Programme, select_version

MODES = {"first_come": "先到先得", "lottery": "摇号"}
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class PlanInput:
    programme_id: str
    category: str
    jurisdiction_code: str
    pool_id: int
    first_day: date
    last_day: date
    release_time: str  # "07:00"
    per_release: int
    valid_minutes: int | None = None  # None: until midnight
    day_cap: int = 1
    month_cap: int = 4
    mode: str = "first_come"
    entry_minutes: int | None = None


def _refuse(field: str, message: str) -> ReleasePlanInvalid:
    return ReleasePlanInvalid(message, field=field)


def parse_time(text: str) -> int:
    found = re.fullmatch(r"([01]?\d|2[0-3])[:：]([0-5]\d)", text.strip())
    if found is None:
        raise _refuse("release_time", "发放时间：应为“时:分”，如 07:00")
    return int(found.group(1)) * 60 + int(found.group(2))


def _programme(session: Session, plan: PlanInput) -> Programme:
    versions = [p for p in policies.all_versions(session) if p.id == plan.programme_id]
    programme = select_version(versions, plan.first_day) if versions else None
    if programme is None:
        raise _refuse("programme_id", "补贴政策：不存在或在起始日期不生效")
    path = policies.path_of(session, plan.jurisdiction_code)
    if programme.jurisdiction.code != "100000" and programme.jurisdiction.code not in path:
        raise _refuse("programme_id", "补贴政策：不适用于该地区")
    if programme.payment_mode is not PaymentMode.point_of_sale or programme.quota is None:
        raise _refuse("programme_id", "补贴政策：不是发放补贴资格的即时立减政策")
    if programme.category(plan.category) is None:
        raise _refuse("category", "品类：该政策不含此品类")
    if programme.effective.end and plan.last_day > programme.effective.end:
        raise _refuse("last_day", f"结束日期：晚于政策截止日{programme.effective.end}")
    return programme


def _check_times(plan: PlanInput) -> int:
    minute = parse_time(plan.release_time)
    if plan.last_day < plan.first_day:
        raise _refuse("last_day", "结束日期：早于起始日期")
    if plan.per_release < 1:
        raise _refuse("per_release", "每次发放数量：至少为1")
    valid = plan.valid_minutes
    if valid is not None and (valid < 1 or minute + valid > DAY_MINUTES):
        raise _refuse("valid_minutes", "有效时长：至少1分钟，且不能超过当日24时")
    if plan.day_cap < 1 or plan.month_cap < plan.day_cap:
        raise _refuse("month_cap", "每月限领：不能少于每日限领，且每日限领至少为1")
    if plan.mode not in MODES:
        raise _refuse("mode", "发放方式：应为先到先得或摇号")
    if plan.mode == "lottery":
        entry = plan.entry_minutes or 0
        if entry < 1 or entry >= (valid or DAY_MINUTES - minute):
            raise _refuse("entry_minutes", "报名时长：至少1分钟，且须在补贴券有效期内结束")
    return minute


def _pool(session: Session, actor: Actor, plan: PlanInput) -> ledger.PoolRef:
    pool = ledger.pool_ref(session, plan.pool_id)
    if pool is None or not actor.sees(pool.jurisdiction_code):
        raise _refuse("pool_id", "资金池：不存在或不在您的管辖范围内")
    if pool.programme_id != plan.programme_id:
        raise _refuse("pool_id", "资金池：不属于该补贴政策")
    if pool.jurisdiction_code not in policies.path_of(session, plan.jurisdiction_code):
        raise _refuse("pool_id", "资金池：须为发放地区本级或上级的资金池")
    return pool


def _rule_cap(rule: AmountRule) -> int | None:
    if rule.cap_fen is not None:
        return rule.cap_fen
    if rule.fixed_fen is not None:
        return rule.fixed_fen
    if rule.bands:
        return max(b.amount_fen for b in rule.bands)
    return None


def per_quota_fen(
    session: Session, programme: Programme, plan: PlanInput, pool: ledger.PoolRef
) -> int:
    """The most one quota can draw on ``pool``: the category's per-item cap times the
    pool layer's share of the split where the schedule applies."""
    category = programme.category(plan.category)
    rules = (category.amount if category and category.amount else None) or programme.amount
    caps = [_rule_cap(r) for r in rules]
    if not caps or any(c is None for c in caps):
        raise _refuse("category", "品类：该品类补贴没有单件上限，无法核定发放总额")
    split = programme.funding.split_for(policies.path_of(session, plan.jurisdiction_code))
    share = split.get(pool.layer, 0)  # type: ignore[call-overload]
    return percent_of(max(c for c in caps if c is not None), share)


def _committed_fen(session: Session, pool: ledger.PoolRef, per_quota: int, today: date) -> int:
    """What other schedules on the pool may still release from today on."""
    total = 0
    for other in session.scalars(select(QuotaRelease).where(QuotaRelease.pool_id == pool.id)):
        days = (other.last_day - max(other.first_day, today)).days + 1
        total += max(0, days) * other.per_release * per_quota
    return total


def _check_money(session: Session, plan: PlanInput, pool: ledger.PoolRef, per_quota: int) -> None:
    quotas = plan.per_release * ((plan.last_day - plan.first_day).days + 1)
    need = quotas * per_quota
    free = ledger.pool_balances(session, pool.id).available
    free -= _committed_fen(session, pool, per_quota, plan.first_day)
    if need > free:
        raise _refuse(
            "per_release",
            f"每次发放数量：{quotas}张补贴券最多需{yuan_text(need)}元，"
            f"超过资金池可用余额{yuan_text(max(free, 0))}元（已扣除其他发放计划）",
        )


def _check_overlap(session: Session, plan: PlanInput) -> None:
    stmt = select(QuotaRelease).where(
        QuotaRelease.programme_id == plan.programme_id,
        QuotaRelease.category == plan.category,
        QuotaRelease.jurisdiction_code == plan.jurisdiction_code,
        QuotaRelease.first_day <= plan.last_day,
        QuotaRelease.last_day >= plan.first_day,
    )
    other = session.scalars(stmt).first()
    if other is not None:
        raise _refuse(
            "first_day",
            f"起始日期：与已有发放计划（{other.first_day}至{other.last_day}）时间重叠",
        )


def define(session: Session, actor: Actor, plan: PlanInput) -> QuotaRelease:
    """Check the whole schedule, then store it (nothing is stored on a refusal)."""
    within(actor, plan.jurisdiction_code, field="jurisdiction_code")
    minute = _check_times(plan)
    programme = _programme(session, plan)
    pool = _pool(session, actor, plan)
    _check_overlap(session, plan)
    per_quota = per_quota_fen(session, programme, plan, pool)
    _check_money(session, plan, pool, per_quota)
    release = QuotaRelease(
        programme_id=plan.programme_id,
        category=plan.category,
        jurisdiction_code=plan.jurisdiction_code,
        pool_id=pool.id,
        first_day=plan.first_day,
        last_day=plan.last_day,
        release_minute=minute,
        per_release=plan.per_release,
        valid_minutes=plan.valid_minutes,
        day_cap=plan.day_cap,
        month_cap=plan.month_cap,
        mode=plan.mode,
        entry_minutes=plan.entry_minutes if plan.mode == "lottery" else None,
        created_by=actor.user_id,
        created_at=utcnow(),
    )
    session.add(release)
    session.flush()
    audit.record(
        session,
        actor,
        "quota_release.defined",
        object_type="quota_release",
        object_id=release.id,
        after={**plan.__dict__, "first_day": str(plan.first_day), "last_day": str(plan.last_day)},
        jurisdiction_code=plan.jurisdiction_code,
    )
    return release
