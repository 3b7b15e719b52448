"""The port through which claims reach the national registry of nationally-unique keys.

Claims say *what* a sale or an approval would make unique (a person's category quota for
a period, a device serial, a VIN, a recycling certificate) and when a claim stops using it
(cancellation, return); an adapter wired at start-up (``huanxin.federation``) decides which
of those keys the claim's programmes declare national, hashes them and talks to the
registry. Without an adapter (no registry configured) every call here does nothing, so a
single deployment behaves exactly as before.

Adapters are installed per engine: two deployments in one process (the tests) each keep
their own.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from huanxin.claims.models import Claim
from huanxin.claims.service.common import versions_of


@dataclass(frozen=True)
class ClaimKeys:
    """What one claim would hold. The adapter hashes these; no plain value leaves the
    deployment (the resident ID and the VIN stay sealed until the adapter hashes them)."""

    claim_id: int
    jurisdiction_code: str
    versions: tuple[str, ...]  # "programme@version" the claim was computed under
    category: str
    purchase_date: date
    resident_id_enc: str | None = None
    device_serial: str | None = None
    vin_enc: str | None = None
    recycling_cert_no: str | None = None


class NationalRegistry(Protocol):
    claims_keys: bool  # False: the adapter only holds payments (no registry configured)

    def claim(self, session: Session, keys: ClaimKeys) -> None:
        """Claim the keys inside the caller's transaction; raise a ``DomainError`` to refuse."""

    def release(self, session: Session, claim_id: int, *, keep_person: bool) -> None:
        """The claim no longer uses its keys (sent after the caller's commit)."""

    def held(self, session: Session, claim_ids: Iterable[int]) -> set[int]:
        """Claims that must stay out of payment until their keys are confirmed."""


_ADAPTERS: weakref.WeakKeyDictionary[Engine, NationalRegistry] = weakref.WeakKeyDictionary()


def install(engine: Engine, adapter: NationalRegistry | None) -> None:
    """Wire (or, with ``None``, unwire) the registry adapter of the deployment on ``engine``."""
    if adapter is None:
        _ADAPTERS.pop(engine, None)
    else:
        _ADAPTERS[engine] = adapter


def _adapter(session: Session) -> NationalRegistry | None:
    if not _ADAPTERS:
        return None
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _ADAPTERS.get(engine)


def wired(session: Session) -> bool:
    """Whether a registry claims keys for this database (sales then take the single path)."""
    adapter = _adapter(session)
    return adapter is not None and bool(adapter.claims_keys)


def claim(session: Session, claim: Claim) -> None:
    """Claim ``claim``'s national keys (its keys are worked out only if a registry is wired)."""
    adapter = _adapter(session)
    if adapter is not None and adapter.claims_keys:
        adapter.claim(session, keys_of(claim))


def release(session: Session, claim_id: int, *, keep_person: bool = False) -> None:
    adapter = _adapter(session)
    if adapter is not None:
        adapter.release(session, claim_id, keep_person=keep_person)


def held(session: Session, claim_ids: Iterable[int]) -> set[int]:
    adapter = _adapter(session)
    return set() if adapter is None else adapter.held(session, claim_ids)


def keys_of(claim: Claim) -> ClaimKeys:
    """The keys of ``claim`` that a programme may declare unique nationally."""
    return ClaimKeys(
        claim_id=claim.id,
        jurisdiction_code=claim.jurisdiction_code,
        versions=tuple(versions_of(json.loads(claim.quote))),
        category=claim.category,
        purchase_date=claim.purchase_date,
        resident_id_enc=claim.resident_id_enc or None,
        device_serial=claim.device_serial or None,
        vin_enc=claim.vin_enc,
        recycling_cert_no=claim.recycling_cert_no,
    )


def keys_for(session: Session, claim_id: int) -> ClaimKeys | None:
    """The keys of the stored claim ``claim_id`` (for re-claiming them after a key rotation)."""
    claim = session.get(Claim, claim_id)
    return keys_of(claim) if claim is not None else None
