"""Batched point-of-sale redemption: many sales in one transaction, set-based statements.

``apply(session, items)`` takes sales gathered from concurrent requests (``gather.py``) or
submitted in bulk by a channel, and answers each one separately. Inside a savepoint, the
fast path runs one statement per step for the whole batch:

1. claim every Idempotency-Key (one INSERT … ON CONFLICT DO NOTHING); keys already used
   are replayed from their stored answers (one SELECT), and do nothing else;
2. read the quotas with their consumers (one SELECT) and the catalogue (one SELECT);
3. check each sale in Python exactly as the single path does (``redeem.checked``): a sale
   that fails its checks (date, area, catalogue, eligibility, a second use of a quota or a
   device serial inside the batch) fails alone, and its key is given up;
4. lock the quotas (one UPDATE … RETURNING), insert the claims (one INSERT … RETURNING),
   point the quotas at them (one UPDATE), reserve the money (per pool one conditional
   UPDATE of one shard for the batch's total, then one INSERT of every sale's journal legs),
   insert the parts (one INSERT); queue one audit entry per sale (sealed into the chain in
   one INSERT at commit) and store every answer (one UPDATE).

If the database refuses a step the checks could not foresee (a quota or a device taken by a
concurrent transaction, a pool short of money for the batch's total, a missing pool), the
savepoint is rolled back and every sale is applied alone, each in its own savepoint, through
the single path (``redeem.redeem`` under ``idempotency.run``): each then succeeds or fails
with its own answer, as if it had been sent alone. Sales that hand in a recycling
certificate always take that path (the certificate is consumed per sale), and so does the
whole batch when a national registry is wired (its keys are claimed per sale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import DeviceAlreadySubsidised
from huanxin.claims.models import Claim, ClaimPart
from huanxin.claims.schemas import ClaimRead
from huanxin.claims.service import bulk, catalogue, common, national, quotas, redeem
from huanxin.core import idempotency
from huanxin.core.actor import Actor
from huanxin.core.errors import DomainError
from huanxin.core.faults import crash_point
from huanxin.db import is_postgres
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import Quote

SCOPE = "claims.redeem"
CLAIMS, PARTS = bulk.CLAIMS, cast("Table", ClaimPart.__table__)


@dataclass(frozen=True)
class Item:
    """One sale of a batch: who sells, under which key, the body the key fingerprints."""

    actor: Actor
    key: str
    payload: dict[str, Any]
    sale: redeem.Sale

    @property
    def ident(self) -> tuple[int, str]:
        return (self.actor.user_id, self.key)


@dataclass
class Answer:
    """What one sale's caller gets: a status with a body, or the error to render."""

    status: int
    body: Any = None
    replayed: bool = False
    error: DomainError | None = None

    @classmethod
    def failed(cls, exc: DomainError) -> Answer:
        return cls(exc.status, exc.to_dict(), error=exc)


class _Fallback(Exception):
    """The database refused a set-based step: apply the batch's sales one by one."""


@dataclass(eq=False)  # compared by identity: a field-by-field == of rows cost 4% of a batch
class _Sale:
    index: int
    item: Item
    record_id: int
    row: dict[str, Any] = field(default_factory=dict)
    quote: Quote | None = None
    claim_id: int = 0


def apply(session: Session, items: list[Item]) -> list[Answer]:
    """Apply ``items`` in the session's transaction; one answer per item, in order."""
    answers: list[Answer | None] = [None] * len(items)
    alone = [i for i, it in enumerate(items) if it.sale.recycling_cert_no]
    if national.wired(session):
        alone = list(range(len(items)))
    solo = set(alone)
    batched = [i for i in range(len(items)) if i not in solo]
    if batched:
        try:
            with session.begin_nested():
                fast = _fast(session, [items[i] for i in batched])
            answers_of = dict(zip(batched, fast, strict=True))
        except (_Fallback, IntegrityError, DomainError):
            alone = sorted(alone + batched)  # the savepoint rolled every fast write back
            answers_of = {}
        for i, answer in answers_of.items():
            answers[i] = answer
    for i in alone:
        answers[i] = one(session, items[i])
    return [a for a in answers if a is not None]


def one(session: Session, item: Item) -> Answer:
    """One sale through the single path, in its own savepoint: it fails alone."""
    try:
        with session.begin_nested():
            outcome = idempotency.run(
                session,
                actor_user_id=item.actor.user_id,
                key=item.key,
                scope=SCOPE,
                payload=item.payload,
                action=partial(_redeem_one, session, item),
            )
    except DomainError as exc:
        return Answer.failed(exc)
    return Answer(outcome.status, outcome.body, outcome.replayed)


def _redeem_one(session: Session, item: Item) -> tuple[int, Any]:
    claim = redeem.redeem(session, item.actor, item.sale)
    return 201, ClaimRead.of(claim).model_dump(mode="json")


# --- the fast path -----------------------------------------------------------------------


def _fast(session: Session, items: list[Item]) -> list[Answer]:
    answers: list[Answer | None] = [None] * len(items)
    first: dict[tuple[int, str], int] = {}
    for i, item in enumerate(items):
        first.setdefault(item.ident, i)
    claims = {
        ident: idempotency.Claim(
            ident[0], ident[1], SCOPE, idempotency.fingerprint(SCOPE, items[i].payload)
        )
        for ident, i in first.items()
    }
    ids = idempotency.claim_many(session, list(claims.values()))
    _replay(session, items, first, [c for k, c in claims.items() if k not in ids], answers)
    sales = [_Sale(i, items[i], ids[ident]) for ident, i in first.items() if ident in ids]
    with ledger.remember_pauses(session):
        _check(session, sales, answers)
    good = [s for s in sales if answers[s.index] is None]
    failed = [s.record_id for s in sales if answers[s.index] is not None]
    if good:
        _write(session, good)
        crash_point("batch.reserved")
        for sale in good:
            answers[sale.index] = _answer(sale)
    idempotency.fill_many(
        session,
        {s.record_id: (201, answers[s.index].body) for s in good},  # type: ignore[union-attr]
    )
    idempotency.drop_many(session, failed)
    return [_repeat(items, first, answers, i) for i in range(len(items))]


def _replay(
    session: Session,
    items: list[Item],
    first: dict[tuple[int, str], int],
    used: list[idempotency.Claim],
    answers: list[Answer | None],
) -> None:
    for ident, stored in idempotency.replays(session, used).items():
        if isinstance(stored, DomainError):
            answers[first[ident]] = Answer.failed(stored)
        else:
            answers[first[ident]] = Answer(stored.status, stored.body, replayed=True)
    for ident in {(c.actor_user_id, c.key) for c in used}:
        if answers[first[ident]] is None:  # claimed and committed meanwhile: cannot happen
            answers[first[ident]] = Answer.failed(idempotency.RequestInProgress(retry_after=1))


def _repeat(
    items: list[Item], first: dict[tuple[int, str], int], answers: list[Answer | None], i: int
) -> Answer:
    """A key sent twice in one batch: the second gets the first's answer, replayed."""
    origin = first[items[i].ident]
    answer = answers[origin]
    assert answer is not None
    if origin == i:
        return answer
    if items[i].payload != items[origin].payload:
        return Answer.failed(
            idempotency.KeyReused("该 Idempotency-Key 已用于另一个请求", field="Idempotency-Key")
        )
    return Answer(answer.status, answer.body, replayed=answer.error is None, error=answer.error)


def _check(session: Session, sales: list[_Sale], answers: list[Answer | None]) -> None:
    """Every check of every sale, reading quotas and catalogue once; failures fail alone."""
    norms: dict[int, redeem.Normalised] = {}
    for sale in sales:
        try:
            norms[sale.index] = redeem.normalise(session, sale.item.sale)
        except DomainError as exc:
            answers[sale.index] = Answer.failed(exc)
    codes = {n.sale.quota_code.strip().upper() for n in norms.values() if n.sale.quota_code}
    found = quotas.find_many_by_code(session, codes)
    policies.prefetch_paths(session, {quota.jurisdiction_code for quota, _ in found.values()})
    catalogue.prefetch(session, {(n.sale.category, n.sale.product_model) for n in norms.values()})
    taken_quotas: set[int] = set()
    taken_serials: set[str] = set()
    for sale in sales:
        norm = norms.get(sale.index)
        if norm is None:
            continue
        try:
            quota, consumer = _quota(session, norm, found)
            if quota.id in taken_quotas:
                raise quotas.not_found()
            sale.row, sale.quote = redeem.checked(session, sale.item.actor, norm, quota, consumer)
            if sale.row["serial_key"] in taken_serials:
                raise DeviceAlreadySubsidised("该设备序列号已享受过补贴", field="device_serial")
        except DomainError as exc:
            answers[sale.index] = Answer.failed(exc)
            continue
        taken_quotas.add(quota.id)
        taken_serials.add(sale.row["serial_key"])


def _quota(session: Session, norm: redeem.Normalised, found: dict[str, Any]) -> tuple[Any, Any]:
    code = (norm.sale.quota_code or "").strip().upper()
    hit = found.get(code)
    if hit is not None and hit[0].category == norm.sale.category:
        return hit  # type: ignore[no-any-return]
    return redeem.find_quota(session, norm)  # by resident ID, or the single path's refusal


def _write(session: Session, sales: list[_Sale]) -> None:
    quota_ids = [s.row["quota_id"] for s in sales]
    if len(quotas.lock_many(session, quota_ids)) != len(sales):
        raise _Fallback("a quota was used by a concurrent transaction")
    for sale, claim_id in zip(sales, _insert_claims(session, [s.row for s in sales]), strict=True):
        sale.claim_id = claim_id
    quotas.link_claims(session, {s.row["quota_id"]: s.claim_id for s in sales})
    _reserve(session, sales)
    for sale in sales:
        assert sale.quote is not None
        redeem.record_redeemed(session, sale.item.actor, sale.claim_id, sale.row, sale.quote)


def _insert_claims(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """One INSERT for the batch's claims; their ids in order. PostgreSQL: one array per
    column (``bulk.unnest_insert``: a statement text prepared once), the ids matched back by
    their device serial's key (distinct within a batch: ``_check`` refuses a repeat). SQLite,
    whose multi-row RETURNING has no order, numbers them after the highest id (its write
    lock is held since BEGIN IMMEDIATE)."""
    if is_postgres(session):
        returned = bulk.unnest_insert(session, CLAIMS, rows, returning=("id", "serial_key"))
        by_serial = {serial_key: claim_id for claim_id, serial_key in returned}
        if len(by_serial) != len(rows):
            raise _Fallback("claims inserted do not match the batch")
        return [by_serial[row["serial_key"]] for row in rows]
    top = session.scalar(select(func.max(Claim.id))) or 0
    ids = list(range(top + 1, top + 1 + len(rows)))
    session.execute(insert(Claim), [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def _reserve(session: Session, sales: list[_Sale]) -> None:
    """Every sale's funding parts: the money per pool in one move, the parts in one INSERT."""
    parts: list[dict[str, Any]] = []
    pools: dict[int, list[tuple[str, int]]] = {}
    common.prefetch_pool_ids(session, [_wanted(sale) for sale in sales])
    for sale in sales:
        assert sale.quote is not None
        wanted = common.funding(sale.quote)
        ids = common.pool_ids(
            session,
            [(a.programme_id, layer) for a, layer, _ in wanted],
            sale.row["jurisdiction_code"],
            sale.row["purchase_date"].year,
        )
        for applied, layer, amount in wanted:
            pool_id = ids[(applied.programme_id, layer)]
            pools.setdefault(pool_id, []).append((f"claim:{sale.claim_id}", amount))
            parts.append(
                {
                    "claim_id": sale.claim_id,
                    "programme_id": applied.programme_id,
                    "version": applied.version,
                    "layer": layer,
                    "amount_fen": amount,
                    "pool_id": pool_id,
                }
            )
    used = ledger.reserve_batch(session, pools=pools)
    if used is None:
        raise _Fallback("no single shard covers a pool's share of the batch")
    for part in parts:
        part["shard_id"] = used[part["pool_id"]]
    if is_postgres(session):
        bulk.unnest_insert(session, PARTS, parts)
    else:
        session.execute(insert(ClaimPart), parts)


def _wanted(sale: _Sale) -> tuple[list[tuple[str, str]], str, int]:
    assert sale.quote is not None
    wanted = [(a.programme_id, layer) for a, layer, _ in common.funding(sale.quote)]
    return wanted, sale.row["jurisdiction_code"], sale.row["purchase_date"].year


def _answer(sale: _Sale) -> Answer:
    """The sale's answer, read from its row as ``ClaimRead.of`` reads a stored claim (a plain
    namespace: building a transient ``Claim`` per sale was 11% of a batch's CPU)."""
    claim = SimpleNamespace(vin_enc=None, **sale.row, id=sale.claim_id)
    return Answer(201, ClaimRead.of(cast(Claim, claim)).model_dump(mode="json"))
