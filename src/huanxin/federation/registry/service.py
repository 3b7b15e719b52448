"""The registry's rules: claim and release keys, record and resolve matches, keep roll-ups.

Every call is idempotent by its content: claiming the same keys for the same reference
again answers the same, releasing twice releases once, a disposition already given is
accepted again, a publication for a day replaces that day's figures.

A claim is all or nothing: inside a savepoint each key takes its first free candidate
(``INSERT … ON CONFLICT DO NOTHING``; the primary key is the national uniqueness rule);
one key held by another province undoes the others. A *deferred* claim (queued while the
registry was unreachable, so the sale already happened) that meets a held key records a
match for both provinces to resolve instead.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    Conflict,
    InvalidInput,
    NotAChoice,
    NotAuthenticated,
    NotFound,
    OutOfRange,
)
from huanxin.federation.registry.models import Deployment, HeldKey, LogEntry, Match, Rollup

DISPOSITIONS = frozenset({"keep", "withdraw"})


@dataclass(frozen=True)
class KeyRequest:
    kind: str
    candidates: list[str]  # alternatives in order (a person's quota slots 1..N); usually one
    previous: list[str] = field(default_factory=list)  # the same key under the previous version


@dataclass
class KeyResult:
    kind: str
    granted: str | None = None
    holder: str | None = None
    holder_name: str | None = None
    match_id: int | None = None


@dataclass
class ClaimResult:
    granted: bool
    keys: list[KeyResult]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_deployment(session: Session, *, code: str, name: str) -> str:
    """Register (or re-key) a province; returns its new bearer token, shown once."""
    token = secrets.token_urlsafe(32)
    row = session.get(Deployment, code)
    if row is None:
        session.add(
            Deployment(code=code, name=name, token_sha256=token_digest(token), created_at=utcnow())
        )
    else:
        row.name, row.token_sha256 = name, token_digest(token)
    _log(session, code, "deployment.token_issued")
    return token


def authenticate(session: Session, token: str | None) -> Deployment:
    if not token:
        raise NotAuthenticated("缺少部署访问令牌")
    row = session.scalars(
        select(Deployment).where(Deployment.token_sha256 == token_digest(token))
    ).first()
    if row is None:
        raise NotAuthenticated("部署访问令牌无效")
    return row


def _log(session: Session, deployment: str, action: str, ref: str = "", **detail: Any) -> None:
    session.add(
        LogEntry(
            deployment=deployment,
            action=action,
            ref=ref,
            detail=json.dumps(detail, ensure_ascii=False),
            at=utcnow(),
        )
    )


def _insert_free(session: Session, key_hash: str, kind: str, holder: str, ref: str) -> bool:
    """Take ``key_hash`` if nobody holds it; False if someone does (no error, no wait
    beyond a concurrent insert of the same key)."""
    values = {
        "key_hash": key_hash,
        "kind": kind,
        "holder": holder,
        "ref": ref,
        "claimed_at": utcnow(),
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(HeldKey).values(**values).on_conflict_do_nothing()
    return bool(session.execute(stmt.returning(HeldKey.key_hash)).first())


def _holders(session: Session, hashes: list[str]) -> dict[str, HeldKey]:
    if not hashes:
        return {}
    stmt = select(HeldKey).where(HeldKey.key_hash.in_(hashes)).with_for_update()
    return {
        row.key_hash: row for row in session.scalars(stmt.execution_options(populate_existing=True))
    }


def _claim_one(session: Session, me: str, ref: str, key: KeyRequest) -> KeyResult:
    result = KeyResult(kind=key.kind)
    held_before = _holders(session, key.previous)
    other = next((r for r in held_before.values() if r.holder != me), None)
    if other is not None:
        result.holder = other.holder
        return result
    held = _holders(session, key.candidates)
    mine = next(
        (h for h in key.candidates if h in held and held[h].holder == me and held[h].ref == ref),
        None,
    )
    if mine is not None:
        result.granted = mine
    for candidate in key.candidates if mine is None else []:
        row = held.get(candidate)
        if row is None and _insert_free(session, candidate, key.kind, me, ref):
            result.granted = candidate
            break
        row = row or _holders(session, [candidate])[candidate]
        if row.holder == me and len(key.candidates) == 1:  # our own orphan: re-point it
            row.ref, result.granted = ref, candidate
            break
        result.holder = result.holder or row.holder
    if result.granted is not None:
        result.holder = None
        for old in held_before.values():  # key rotation: the old-version row is ours, drop it
            session.delete(old)
    return result


def claim(
    session: Session, me: Deployment, *, ref: str, keys: list[KeyRequest], deferred: bool
) -> ClaimResult:
    """Claim every key for ``ref`` or none; a deferred claim records matches on conflict."""
    _check_keys(keys)
    ordered = sorted(keys, key=lambda k: min(k.candidates))  # one lock order for everyone
    with session.begin_nested() as savepoint:
        results = [_claim_one(session, me.code, ref, key) for key in ordered]
        granted = all(r.granted is not None for r in results)
        if not granted:
            savepoint.rollback()
    labels = names(session)
    for key, result in zip(ordered, results, strict=True):
        if result.holder is not None:
            result.holder_name = labels.get(result.holder, result.holder)
            if deferred and result.holder != me.code:
                result.match_id = _record_match(session, me.code, ref, key, result.holder)
    action = "key.claimed" if granted else ("key.matched" if deferred else "key.refused")
    _log(session, me.code, action, ref, kinds=[k.kind for k in ordered])
    return ClaimResult(granted=granted, keys=results)


def _check_keys(keys: list[KeyRequest]) -> None:
    if not keys or len(keys) > 16:
        raise InvalidInput("每次须登记1至16个唯一键", field="keys")
    for key in keys:
        if not key.candidates or len(key.candidates) > 16:
            raise OutOfRange("每个唯一键须有1至16个候选值", field="candidates")
        for value in [*key.candidates, *key.previous]:
            if not 8 <= len(value) <= 80:
                raise InvalidInput("唯一键哈希长度不正确", field="candidates")


def names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Deployment.code, Deployment.name)).all())


def _record_match(session: Session, me: str, ref: str, key: KeyRequest, holder: str) -> int:
    held = _holders(session, [*key.candidates, *key.previous])
    row = next(r for r in held.values() if r.holder == holder)
    existing = session.scalars(
        select(Match).where(
            Match.key_hash == row.key_hash, Match.challenger == me, Match.challenger_ref == ref
        )
    ).first()
    if existing is not None:
        return existing.id
    now = utcnow()
    match = Match(
        key_hash=row.key_hash,
        kind=key.kind,
        holder=holder,
        holder_ref=row.ref,
        challenger=me,
        challenger_ref=ref,
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(match)
    session.flush()
    _log(session, me, "match.recorded", ref, match_id=match.id, holder=holder)
    return match.id


def release(session: Session, me: Deployment, *, ref: str, kinds: list[str] | None) -> int:
    """Give up the keys ``me`` holds for ``ref`` (only those ``kinds`` if given)."""
    stmt = delete(HeldKey).where(HeldKey.holder == me.code, HeldKey.ref == ref)
    if kinds is not None:
        stmt = stmt.where(HeldKey.kind.in_(kinds))
    released = session.execute(stmt).rowcount  # type: ignore[attr-defined]
    _log(session, me.code, "key.released", ref, count=released)
    return int(released)


def matches_of(session: Session, me: Deployment, since_id: int = 0) -> list[Match]:
    stmt = select(Match).where((Match.holder == me.code) | (Match.challenger == me.code))
    return list(session.scalars(stmt.where(Match.id > since_id).order_by(Match.id)))


def dispose(session: Session, me: Deployment, *, match_id: int, disposition: str) -> Match:
    """One side's decision on a match; with both in, the match closes (or is disputed)."""
    if disposition not in DISPOSITIONS:
        raise NotAChoice("处理结论须为保留或撤销", field="disposition")
    match = session.get(Match, match_id, with_for_update=True)
    if match is None or me.code not in {match.holder, match.challenger}:
        raise NotFound("匹配记录不存在")
    side = "holder" if match.holder == me.code else "challenger"
    given = getattr(match, f"{side}_disposition")
    if given is not None and given != disposition:
        raise Conflict("本方已提交不同的处理结论，不能更改")
    if match.status == "closed":
        return match
    setattr(match, f"{side}_disposition", disposition)
    match.updated_at = utcnow()
    _settle(session, match)
    _log(
        session,
        me.code,
        "match.disposed",
        match.challenger_ref,
        match_id=match.id,
        side=side,
        disposition=disposition,
    )
    return match


_OUTCOMES = {
    ("keep", "withdraw"): "holder_keeps",
    ("withdraw", "keep"): "challenger_keeps",
    ("withdraw", "withdraw"): "both_withdraw",
}


def _settle(session: Session, match: Match) -> None:
    pair = (match.holder_disposition, match.challenger_disposition)
    if None in pair:
        return
    if pair == ("keep", "keep"):
        match.status = "disputed"  # the national office decides (``huanxin registry decide``)
        return
    decide(session, match, _OUTCOMES[pair])  # type: ignore[index]


def decide(session: Session, match: Match, outcome: str) -> None:
    """Close the match; unless the holder keeps, its hold on the key ends."""
    if outcome != "holder_keeps":
        session.execute(
            delete(HeldKey).where(
                HeldKey.key_hash == match.key_hash,
                HeldKey.holder == match.holder,
                HeldKey.ref == match.holder_ref,
            )
        )
    match.status, match.outcome, match.updated_at = "closed", outcome, utcnow()


def publish(session: Session, me: Deployment, *, as_of: date, figures: dict[str, Any]) -> None:
    row = session.scalars(
        select(Rollup).where(Rollup.deployment == me.code, Rollup.as_of == as_of)
    ).first()
    body = json.dumps(figures, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(Rollup(deployment=me.code, as_of=as_of, figures=body, published_at=utcnow()))
    else:
        row.figures, row.published_at = body, utcnow()
    _log(session, me.code, "rollup.published", as_of=as_of.isoformat())


@dataclass(frozen=True)
class ProvinceFigures:
    code: str
    name: str
    as_of: date | None
    figures: dict[str, int]


def national_view(session: Session) -> list[ProvinceFigures]:
    """Each deployment's latest publication (provinces that never published show none)."""
    latest: dict[str, Rollup] = {}
    for rollup in session.scalars(select(Rollup).order_by(Rollup.as_of)):
        latest[rollup.deployment] = rollup
    out = []
    for dep in session.scalars(select(Deployment).order_by(Deployment.code)):
        row = latest.get(dep.code)
        figures = json.loads(row.figures) if row else {}
        out.append(ProvinceFigures(dep.code, dep.name, row.as_of if row else None, figures))
    return out
