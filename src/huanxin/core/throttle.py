"""Login throttling that cannot be turned against an official.

There is no flat account lockout. Failures are counted per (account, client address)
since that pair's last success or the account's last admin unlock (at most a day back):
after ``max_failures`` of them, each further attempt from that address must wait a
delay that doubles from 30 seconds up to 15 minutes. Someone guessing from one address
therefore slows only themself; the official logs in from their own address as usual.
An address that fails ``max_failures × 10`` times within ``window_minutes`` (across any
accounts: password spraying) is refused for every account until its failures age out.
An administrator may clear an account's delays (``unlock``, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import as_utc, utcnow
from huanxin.core.errors import CoreCode, TooManyRequests
from huanxin.core.models import LoginAttempt, User

FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
MEMORY = timedelta(days=1)  # failures older than this are forgotten
ADDRESS_FACTOR = 10


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window_minutes: int = 15


class LoginThrottled(TooManyRequests):
    code = CoreCode.LOGIN_THROTTLED

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def delay_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """The wait after ``failures`` consecutive failures of one (account, address).

    >>> [int(delay_after(n, ThrottlePolicy()).total_seconds()) for n in (4, 5, 6, 9, 20)]
    [0, 30, 60, 480, 900]
    """
    if failures < policy.max_failures:
        return timedelta(0)
    doublings = min(failures - policy.max_failures, 10)
    delay: timedelta = FIRST_DELAY * 2**doublings
    return min(delay, MAX_DELAY)


def _since(session: Session, username: str, client_ip: str, now: datetime) -> datetime:
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.client_ip == client_ip,
            LoginAttempt.success.is_(True),
        )
    )
    unlocked = session.scalar(select(User.login_unlocked_at).where(User.username == username))
    marks = [now - MEMORY] + [as_utc(t) for t in (last_ok, unlocked) if t is not None]
    return max(marks)


def _pair_failures(
    session: Session, username: str, client_ip: str, since: datetime
) -> tuple[int, datetime | None]:
    row = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.client_ip == client_ip,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > since,
        )
    ).one()
    return int(row[0]), as_utc(row[1]) if row[1] is not None else None


def _wait_text(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 60 else f"{-(-seconds // 60)}分钟"


def retry_after(session: Session, username: str, client_ip: str, policy: ThrottlePolicy) -> int:
    """Seconds this (account, address) must still wait; 0 when it may try now."""
    now = utcnow()
    failures, last = _pair_failures(
        session, username, client_ip, _since(session, username, client_ip, now)
    )
    if last is None:
        return 0
    left = (last + delay_after(failures, policy) - now).total_seconds()
    return max(0, int(left + 0.999))


def _address_retry_after(session: Session, client_ip: str, policy: ThrottlePolicy) -> int:
    now = utcnow()
    window = timedelta(minutes=policy.window_minutes)
    recent = (
        select(LoginAttempt.at)
        .where(
            LoginAttempt.client_ip == client_ip,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - window,
        )
        .order_by(LoginAttempt.at.desc())
        .limit(policy.max_failures * ADDRESS_FACTOR)
    )
    times = list(session.scalars(recent))
    if len(times) < policy.max_failures * ADDRESS_FACTOR:
        return 0
    return max(1, int((as_utc(times[-1]) + window - now).total_seconds() + 0.999))


def check(session: Session, username: str, client_ip: str, policy: ThrottlePolicy) -> None:
    """Refuse the attempt (``LoginThrottled``, with ``Retry-After``) while throttled."""
    wait = retry_after(session, username, client_ip, policy)
    if wait:
        raise LoginThrottled(
            f"此账号在当前网络地址登录失败次数过多，请{_wait_text(wait)}后再试", wait
        )
    wait = _address_retry_after(session, client_ip, policy)
    if wait:
        raise LoginThrottled(f"此网络地址登录失败次数过多，请{_wait_text(wait)}后再试", wait)


def throttled_usernames(session: Session, usernames: list[str], policy: ThrottlePolicy) -> set[str]:
    """Which of ``usernames`` are being delayed from at least one address right now."""
    since = utcnow() - MEMORY
    pairs = session.execute(
        select(LoginAttempt.username, LoginAttempt.client_ip)
        .distinct()
        .where(
            LoginAttempt.username.in_(usernames),
            LoginAttempt.success.is_(False),
            LoginAttempt.at > since,
        )
    ).all()
    return {u for u, ip in pairs if retry_after(session, u, ip, policy)}


def unlock(session: Session, actor: Actor, user: User) -> datetime:
    """Clear every delay on ``user``'s account (the address cap is not per account)."""
    user.login_unlocked_at = now = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "auth.login_unlocked",
        object_type="user",
        object_id=user.id,
        jurisdiction_code=user.jurisdiction_code,
    )
    return now
