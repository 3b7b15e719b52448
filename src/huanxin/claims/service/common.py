"""Shared steps of the claim services: transitions, reading claims in scope, budget moves."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from huanxin.claims import states
from huanxin.claims.errors import PoolMissing
from huanxin.claims.models import Claim, ClaimEvent, ClaimPart
from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import ProgrammeAmount, Quote


def readable(actor: Actor) -> Select[Claim]:
    """Claims the actor may see: by jurisdiction, a merchant only its own sales (wherever the
    programme let it redeem), a consumer only their own."""
    if actor.role == "merchant":
        own = Claim.merchant_org_id == actor.org_id if actor.org_id is not None else false()
        return select(Claim).where(own)
    stmt = select(Claim).where(Claim.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "consumer":
        stmt = stmt.where(Claim.applicant_user_id == actor.user_id)
    return stmt


def _place(actor: Actor, claim: Claim | None) -> str | None:
    """The jurisdiction the scope check compares: a merchant's own sale counts as its own."""
    if claim is None:
        return None
    if actor.role == "merchant" and actor.org_id and claim.merchant_org_id == actor.org_id:
        return actor.jurisdiction_code
    return claim.jurisdiction_code


def get_claim(session: Session, actor: Actor, claim_id: int, *, lock: bool = False) -> Claim:
    stmt = select(Claim).where(Claim.id == claim_id)
    if lock:
        stmt = stmt.with_for_update()
    claim = session.scalars(stmt).first()
    claim = visible(actor, claim, _place(actor, claim), "申请不存在")
    own = readable(actor).where(Claim.id == claim_id)
    if session.scalars(own).first() is None:
        return visible(actor, None, None, "申请不存在")
    return claim


def transition(
    session: Session,
    actor: AuditActor,
    claim: Claim,
    to_state: str,
    *,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    states.check(claim.state, to_state)
    before = {"state": claim.state}
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            from_state=claim.state,
            to_state=to_state,
            actor_user_id=actor.user_id,
            actor_role=actor.role,
            note=note,
            at=utcnow(),
        )
    )
    claim.state, claim.updated_at = to_state, utcnow()
    quote = json.loads(claim.quote)
    audit.record(
        session,
        actor,
        f"claim.{to_state}",
        object_type="claim",
        object_id=claim.id,
        before=before,
        after={"state": to_state},
        detail={
            "note": note,
            "versions": versions_of(quote),
            "explanation": quote.get("explanation", []),
            **(detail or {}),
        },
        jurisdiction_code=claim.jurisdiction_code,
    )


def versions_of(quote: dict[str, Any]) -> list[str]:
    return [f"{a['programme_id']}@{a['version']}" for a in quote.get("applied", [])]


def pool_ids(
    session: Session, wanted: list[tuple[str, str]], code: str, year: int
) -> dict[tuple[str, str], int]:
    """The pool funding each (programme, layer) pair of ``wanted`` for ``code`` in budget year
    ``year``, or the nearest ancestor's (cached per session: pools are created rarely, never
    deleted), in one query. The pools are loaded into the session, so the ledger's own
    look-up by id needs no round trip. A sale draws on the budget of its own year: 2026 sales
    never spend 2025 money."""
    cache: dict[tuple[str, str, str, int], int] = session.info.setdefault("claims.pools", {})
    missing = sorted({w for w in wanted if (*w, code, year) not in cache})
    if missing:
        path = policies.path_of(session, code)
        depth = {place: i for i, place in enumerate(path)}
        pools = ledger.pools_along(
            session, {p for p, _ in missing}, {lay for _, lay in missing}, path, year
        )
        best: dict[tuple[str, str], Any] = {}
        for pool in pools:
            key = (pool.programme_id, pool.layer)
            if (
                key not in best
                or depth[pool.jurisdiction_code] > depth[best[key].jurisdiction_code]
            ):
                best[key] = pool
        for programme_id, layer in missing:
            if (programme_id, layer) not in best:
                raise PoolMissing(
                    f"政策{programme_id}的{year}年度{ledger.LAYER_LABELS.get(layer, layer)}"
                    "资金尚未建立预算池，请联系专班办公室"
                )
            cache[(programme_id, layer, code, year)] = int(best[(programme_id, layer)].id)
        # the identity map holds objects weakly: keep the pools for the session's lifetime
        session.info.setdefault("claims.pool_rows", []).extend(best.values())
    return {w: cache[(*w, code, year)] for w in wanted}


def prefetch_pool_ids(
    session: Session, wants: list[tuple[list[tuple[str, str]], str, int]]
) -> None:
    """Fill ``pool_ids``'s session cache for many (pairs, place, year) at once: one query per
    budget year for every place of a batch. Pairs without a pool are left to ``pool_ids``,
    which refuses them by name."""
    cache: dict[tuple[str, str, str, int], int] = session.info.setdefault("claims.pools", {})
    missing = {(*w, code, year) for wanted, code, year in wants for w in wanted}
    missing -= cache.keys()
    for year in sorted({key[3] for key in missing}):
        keys = [key for key in missing if key[3] == year]
        paths = {code: policies.path_of(session, code) for _, _, code, _ in keys}
        pools = ledger.pools_along(
            session,
            {key[0] for key in keys},
            {key[1] for key in keys},
            sorted({place for path in paths.values() for place in path}),
            year,
        )
        held = {(p.programme_id, p.layer, p.jurisdiction_code): int(p.id) for p in pools}
        for programme_id, layer, code, _ in keys:
            deepest = (held.get((programme_id, layer, place)) for place in reversed(paths[code]))
            found = next((pool_id for pool_id in deepest if pool_id is not None), None)
            if found is not None:
                cache[(programme_id, layer, code, year)] = found
        session.info.setdefault("claims.pool_rows", []).extend(pools)


def funding(quote: Quote) -> list[tuple[ProgrammeAmount, str, int]]:
    """The quote's funding parts: (programme's amount, layer, fen), zero parts left out."""
    return [
        (applied, layer.value, amount)
        for applied in quote.applied
        for layer, amount in applied.funding_fen.items()
        if amount > 0
    ]


def reserve_parts(session: Session, claim: Claim, quote: Quote) -> None:
    """Reserve every funding part of the quote; all or nothing (the transaction rolls back).
    Pools are taken in ascending id order so two claims never deadlock."""
    amounts = funding(quote)
    ids = pool_ids(
        session,
        [(a.programme_id, layer) for a, layer, _ in amounts],
        claim.jurisdiction_code,
        claim.purchase_date.year,
    )
    parts = [
        ClaimPart(
            claim_id=claim.id,
            programme_id=a.programme_id,
            version=a.version,
            layer=layer,
            amount_fen=amount,
            pool_id=ids[(a.programme_id, layer)],
        )
        for a, layer, amount in amounts
    ]
    for part in sorted(parts, key=lambda p: p.pool_id):
        part.shard_id = ledger.reserve(
            session, pool_id=part.pool_id, amount_fen=part.amount_fen, ref=f"claim:{claim.id}"
        )
    session.add_all(parts)  # one INSERT for all parts
    session.flush()


def parts_of(session: Session, claim_id: int) -> list[ClaimPart]:
    """A claim's parts in (pool, shard) order, the order every ledger move takes locks in."""
    stmt = select(ClaimPart).where(ClaimPart.claim_id == claim_id)
    return list(session.scalars(stmt.order_by(ClaimPart.pool_id, ClaimPart.shard_id)))


def release_parts(session: Session, claim: Claim) -> None:
    for part in parts_of(session, claim.id):
        ledger.release(
            session,
            pool_id=part.pool_id,
            amount_fen=part.amount_fen,
            ref=f"claim:{claim.id}:release",
            shard_id=part.shard_id,
        )


def commit_parts(session: Session, claim: Claim) -> None:
    for part in parts_of(session, claim.id):
        ledger.commit(
            session,
            pool_id=part.pool_id,
            amount_fen=part.amount_fen,
            ref=f"claim:{claim.id}:pay",
            shard_id=part.shard_id,
        )


def claw_back_parts(session: Session, claim: Claim) -> None:
    for part in parts_of(session, claim.id):
        ledger.claw_back(
            session,
            pool_id=part.pool_id,
            amount_fen=part.amount_fen,
            ref=f"claim:{claim.id}:clawback",
            shard_id=part.shard_id,
        )
