"""Authentication: password login with throttling, browser sessions, API bearer tokens.

Only SHA-256 digests of session ids and tokens are stored. Failed logins slow down the
(account, client address) that failed, never the account as a whole (``core.throttle``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from huanxin.core import audit, throttle
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import as_utc, utcnow
from huanxin.core.errors import NotAuthenticated
from huanxin.core.models import ApiToken, Jurisdiction, LoginAttempt, User, WebSession
from huanxin.core.passwords import verify_password
from huanxin.core.throttle import ThrottlePolicy


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def actor_for(session: Session, user: User, *, via: str, csrf_token: str = "") -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        jurisdiction_code=user.jurisdiction_code,
        org_id=user.org_id,
        scope_codes=_scope(session, user.jurisdiction_code),
        via=via,
        csrf_token=csrf_token,
    )


def _scope(session: Session, code: str) -> frozenset[str]:
    """``jurisdictions.subtree_codes`` in one query, kept per process like a bearer token
    (``TOKEN_CACHE_SECONDS``, emptied by any change of a jurisdiction made here): a burst of
    consumers of one place resolving their new tokens asks it once, not once each."""
    now = time.monotonic()
    hit = _SCOPES.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    root = select(Jurisdiction.path).where(Jurisdiction.code == code).scalar_subquery()
    scope = frozenset(
        session.scalars(select(Jurisdiction.code).where(Jurisdiction.path.startswith(root)))
    )
    _SCOPES[code] = (now + TOKEN_CACHE_SECONDS, scope)
    return scope


def authenticate(
    session: Session, *, username: str, password: str, client_ip: str, policy: ThrottlePolicy
) -> User:
    """Return the user or raise; every attempt is recorded, failures are audited."""
    username = username.strip().lower()
    try:
        throttle.check(session, username, client_ip, policy)
    except throttle.LoginThrottled:
        audit.record(
            session,
            SYSTEM,
            "auth.login_throttled",
            object_type="user",
            object_id=username[:64],
            detail={"client_ip": client_ip, "reason": "throttled"},
        )
        raise
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else None, password)
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(username=username, client_ip=client_ip, success=ok, at=utcnow()))
    if not ok or user is None:
        audit.record(
            session,
            SYSTEM,
            "auth.login_failed",
            object_type="user",
            object_id=username[:64],
            detail={"client_ip": client_ip},
        )
        raise NotAuthenticated("用户名或密码错误")
    return user


def start_session(session: Session, user: User, *, hours: int) -> tuple[str, WebSession]:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    web = WebSession(
        id_hash=sha256(raw),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(web)
    audit.record(
        session,
        actor_for(session, user, via="session"),
        "auth.login",
        object_type="user",
        object_id=user.id,
    )
    return raw, web


def actor_from_session(session: Session, raw: str) -> Actor | None:
    web = session.get(WebSession, sha256(raw))
    if web is None or web.ended_at is not None or as_utc(web.expires_at) <= utcnow():
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.active:
        return None
    return actor_for(session, user, via="session", csrf_token=web.csrf_token)


def end_session(session: Session, raw: str) -> None:
    web = session.get(WebSession, sha256(raw))
    if web is not None and web.ended_at is None:
        web.ended_at = utcnow()
        user = session.get(User, web.user_id)
        if user is not None:
            audit.record(
                session,
                actor_for(session, user, via="session"),
                "auth.logout",
                object_type="user",
                object_id=user.id,
            )


def issue_token(session: Session, user: User, *, name: str, days: int | None = 90) -> str:
    raw = "hx_" + secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + timedelta(days=days) if days else None
    session.add(
        ApiToken(
            user_id=user.id, name=name, token_hash=sha256(raw), created_at=now, expires_at=expires
        )
    )
    audit.record(
        session,
        actor_for(session, user, via="token"),
        "auth.token_issued",
        object_type="user",
        object_id=user.id,
        detail={"name": name},
    )
    return raw


# Bearer tokens resolved per process: a channel or a till sends the same token with every
# sale, and resolving it costs two queries. An entry lives ``TOKEN_CACHE_SECONDS`` (never
# past the token's own expiry); any flush in this process that adds, changes or deletes a
# user, a token or a jurisdiction empties the cache, so a change made here applies to the
# next request, and one made by another worker process within that many seconds.
# In the last ``TOKEN_REFRESH_AHEAD`` seconds of an entry's life the first request to see it
# reads the token again while the others keep the entry, so a till sending many sales a
# second never finds its token expired all at once (every request querying together).
TOKEN_CACHE_SECONDS = 5.0
TOKEN_REFRESH_AHEAD = 1.0
_TOKENS: dict[str, tuple[float, Actor]] = {}
_SCOPES: dict[str, tuple[float, frozenset[str]]] = {}
_REFRESHING: set[str] = set()


def _fresh(digest: str, now: float) -> Actor | None:
    """The cached caller unless the entry is gone, expired or due for its refresh (which
    the first caller to see it does, once)."""
    hit = _TOKENS.get(digest)
    if hit is None or hit[0] <= now:
        return None
    if hit[0] - now > TOKEN_REFRESH_AHEAD or digest in _REFRESHING:
        return hit[1]
    return None


def peek_token(raw: str) -> Actor | None:
    """The caller of a bearer token if the per-process cache holds it (no database)."""
    return _fresh(sha256(raw), time.monotonic())


def cached_actor_from_token(sessions: Callable[[], Session], raw: str) -> Actor | None:
    """The caller of a bearer token through the per-process cache (``sessions`` opens a session
    only on a miss or for the refresh ahead of expiry)."""
    digest, now = sha256(raw), time.monotonic()
    actor = _fresh(digest, now)
    if actor is not None:
        return actor
    _REFRESHING.add(digest)
    try:
        with sessions() as session:
            found = _token_and_user(session, digest)
            actor = _actor_of(session, *found) if found else None
            if actor is None or found is None:
                _TOKENS.pop(digest, None)
                return None
            lives = TOKEN_CACHE_SECONDS
            if found[0].expires_at is not None:
                lives = min(lives, (as_utc(found[0].expires_at) - utcnow()).total_seconds())
        _TOKENS[digest] = (now + lives, actor)
    finally:
        _REFRESHING.discard(digest)
    return actor


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context: object) -> None:
    if (_TOKENS or _SCOPES) and any(
        isinstance(obj, (User, ApiToken, Jurisdiction))
        for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        _TOKENS.clear()
        _SCOPES.clear()


def _token_and_user(session: Session, digest: str) -> tuple[ApiToken, User | None] | None:
    stmt = (
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest)
    )
    found = session.execute(stmt).first()
    return None if found is None else (found[0], found[1])


def _actor_of(session: Session, token: ApiToken, user: User | None) -> Actor | None:
    if token.revoked_at is not None:
        return None
    if token.expires_at is not None and as_utc(token.expires_at) <= utcnow():
        return None
    if user is None or not user.active:
        return None
    return actor_for(session, user, via="token")
