"""The deployment's adapter of the claims port (``claims.service.national``).

``claim`` runs inside the redemption's (or approval's) transaction: it hashes the keys the
claim's programmes declare national, asks the registry with a timeout, and either records
them as confirmed, refuses the sale naming the province that holds a key, or — when the
registry can't be reached — applies the programme's rule: refuse, or keep the claim as
*pending* (out of payment) for the drain to confirm. A grant whose transaction then rolls
back is released again at once. ``release`` marks the keys for release; they are sent
after the commit (and by the drain if that fails), so a rolled-back cancellation never
gives a key away.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from huanxin.claims.service import quotas
from huanxin.claims.service.national import ClaimKeys
from huanxin.core import audit, pii
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import utcnow
from huanxin.federation.client import RegistryClient, RegistryRefused, Unreachable, WireKey
from huanxin.federation.errors import NationalKeyHeld, RegistryUnavailable
from huanxin.federation.keys import Keyring, person_value, plain_value
from huanxin.federation.models import HELD_OUT_OF_PAYMENT, TRANSITIONS, KeyState, NationalClaim
from huanxin.policy import service as policies
from huanxin.policy.api import National, NationalKey, Programme, WhenUnreachable

log = logging.getLogger("huanxin.federation")

# A device, a car or a recycling certificate is subsidised once in the whole country, so
# these keys are claimed for every programme, also one that declares no ``national`` block;
# such a programme holds the claim out of payment while the registry is unreachable.
# Person × category × period is claimed only where a programme declares it.
OBJECT_KEYS = National(
    keys=[NationalKey.device_serial, NationalKey.vin, NationalKey.recycling_certificate],
    when_unreachable=WhenUnreachable.hold,
)


def declared(programme: Programme) -> National:
    """The national keys and outage rule of ``programme`` (its own block, else the object keys)."""
    return programme.national or OBJECT_KEYS


KIND_LABELS = {
    NationalKey.person_category_period: "消费者本期该品类补贴资格",
    NationalKey.device_serial: "设备序列号",
    NationalKey.vin: "车辆识别代号",
    NationalKey.recycling_certificate: "回收证明",
}
KIND_FIELDS = {
    NationalKey.person_category_period: "quota_code",
    NationalKey.device_serial: "device_serial",
    NationalKey.vin: "vin",
    NationalKey.recycling_certificate: "recycling_cert_no",
}


def ref_of(claim_id: int) -> str:
    return f"claim:{claim_id}"


def claim_id_of(ref: str) -> int:
    return int(ref.partition(":")[2])


def refusal(kind: str, holder_name: str) -> NationalKeyHeld:
    """The Chinese reason a sale is refused: which key, held by which province."""
    key = NationalKey(kind)
    if key is NationalKey.person_category_period:
        text = f"该消费者本期该品类的补贴资格已在{holder_name}使用，不能重复享受补贴"
    else:
        text = f"该{KIND_LABELS[key]}已在{holder_name}享受过补贴，全国范围内不能重复补贴"
    return NationalKeyHeld(text, field=KIND_FIELDS[key])


def held_ids(session: Session, claim_ids: Iterable[int]) -> set[int]:
    """Claims whose national keys are not confirmed (pending or duplicate): never paid."""
    ids = list(claim_ids)
    if not ids:
        return set()
    stmt = select(NationalClaim.claim_id).where(
        NationalClaim.claim_id.in_(ids), NationalClaim.state.in_(list(HELD_OUT_OF_PAYMENT))
    )
    return set(session.scalars(stmt))


class LocalHolds:
    """The adapter without a registry: claims and releases nothing, but a claim queued while
    a registry was configured stays out of payment until it is confirmed."""

    claims_keys = False

    def claim(self, session: Session, keys: ClaimKeys) -> None:
        return None

    def release(self, session: Session, claim_id: int, *, keep_person: bool) -> None:
        return None

    def held(self, session: Session, claim_ids: Iterable[int]) -> set[int]:
        return held_ids(session, claim_ids)


class Federation:
    """One deployment's link to the registry: the keyring and the client."""

    claims_keys = True

    def __init__(self, client: RegistryClient, keyring: Keyring) -> None:
        self.client = client
        self.keyring = keyring

    # --- the port -------------------------------------------------------------------------

    def claim(self, session: Session, keys: ClaimKeys) -> None:
        wire, outage = self.wire_keys(session, keys)
        if not wire:
            return
        ref = ref_of(keys.claim_id)
        try:
            answer = self.client.claim(ref, wire)
        except (Unreachable, RegistryRefused) as exc:
            self._unreachable(session, keys, ref, wire, outage, str(exc))
            return
        if not answer["granted"]:
            held = next(k for k in answer["keys"] if k["granted"] is None)
            raise refusal(held["kind"], held["holder_name"] or "其他省份")
        self._store(session, keys, ref, wire, KeyState.confirmed)
        self._release_on_rollback(session, ref)

    def release(self, session: Session, claim_id: int, *, keep_person: bool) -> None:
        row = session.get(NationalClaim, claim_id, with_for_update=True)
        if row is None or row.state in {KeyState.releasing, KeyState.released}:
            return
        kinds = None
        if keep_person:
            kinds = sorted({k["kind"] for k in json.loads(row.keys)} - {"person_category_period"})
        if row.state != KeyState.confirmed:  # nothing was granted at the registry
            move(row, KeyState.releasing)
            move(row, KeyState.released)
            return
        move(row, KeyState.releasing)
        row.release_kinds = json.dumps(kinds) if kinds is not None else None
        engine = session.get_bind()
        event.listen(
            session,
            "after_commit",
            lambda _s: self.send_releases(_engine(engine), [claim_id]),
            once=True,
        )

    def held(self, session: Session, claim_ids: Iterable[int]) -> set[int]:
        return held_ids(session, claim_ids)

    def reclaim(self, session: Session, keys: ClaimKeys) -> bool:
        """Claim a confirmed claim's keys again under the current key version (rotation):
        the registry replaces this province's rows of the previous version."""
        wire, _ = self.wire_keys(session, keys)
        if not wire:
            return False
        answer = self.client.claim(ref_of(keys.claim_id), wire)
        if answer["granted"]:
            self._store(session, keys, ref_of(keys.claim_id), wire, KeyState.confirmed)
        return bool(answer["granted"])

    # --- keys -----------------------------------------------------------------------------

    def wire_keys(self, session: Session, keys: ClaimKeys) -> tuple[list[WireKey], WhenUnreachable]:
        """The hashed keys the claim's programmes declare national, and the outage rule
        (refuse if any of them says so)."""
        wanted = {tuple(v.rsplit("@", 1)) for v in keys.versions}
        programmes = [p for p in policies.all_versions(session) if (p.id, str(p.version)) in wanted]
        wire: dict[str, WireKey] = {}
        for programme in programmes:
            for kind in declared(programme).keys:
                for key in self._hash(programme, kind, keys):
                    wire.setdefault(key.candidates[0], key)
        refuse = any(declared(p).when_unreachable is WhenUnreachable.refuse for p in programmes)
        return list(wire.values()), WhenUnreachable.refuse if refuse else WhenUnreachable.hold

    def _hash(self, programme: Programme, kind: NationalKey, keys: ClaimKeys) -> list[WireKey]:
        if kind is NationalKey.person_category_period:
            if not keys.resident_id_enc:
                return []
            rid = pii.unseal(keys.resident_id_enc)
            period = quotas.period_key(programme, keys.purchase_date)
            slots = programme.quota.limit(keys.category) if programme.quota else 1
            values = [
                person_value(rid, programme.id, keys.category, period, s)
                for s in range(1, slots + 1)
            ]
        else:
            vin = pii.unseal(keys.vin_enc) if keys.vin_enc else None
            plain = {
                NationalKey.device_serial: keys.device_serial,
                NationalKey.vin: vin,
                NationalKey.recycling_certificate: keys.recycling_cert_no,
            }[kind]
            if not plain:
                return []
            values = [plain_value(plain)]
        return [
            WireKey(
                kind.value,
                [self.keyring.current(kind.value, v) for v in values],
                [h for v in values for h in self.keyring.previous(kind.value, v)],
            )
        ]

    # --- storage --------------------------------------------------------------------------

    def _unreachable(
        self,
        session: Session,
        keys: ClaimKeys,
        ref: str,
        wire: list[WireKey],
        outage: WhenUnreachable,
        error: str,
    ) -> None:
        log.warning("federation.registry_unreachable %s: %s", ref, error)
        if outage is WhenUnreachable.refuse:
            raise RegistryUnavailable(
                "全国补贴登记中心暂时无法连接，按本政策规定暂停核销，请稍后再试"
            )
        row = self._store(session, keys, ref, wire, KeyState.pending)
        row.last_error = error[:500]
        audit.record(
            session,
            SYSTEM,
            "federation.claim_queued",
            object_type="claim",
            object_id=keys.claim_id,
            after={"state": KeyState.pending.value},
            jurisdiction_code=keys.jurisdiction_code,
        )

    def _store(
        self, session: Session, keys: ClaimKeys, ref: str, wire: list[WireKey], state: KeyState
    ) -> NationalClaim:
        now = utcnow()
        row = session.get(NationalClaim, keys.claim_id)
        if row is None:
            row = NationalClaim(
                claim_id=keys.claim_id,
                jurisdiction_code=keys.jurisdiction_code,
                ref=ref,
                attempts=0,
                last_error="",
                created_at=now,
            )
            session.add(row)
        row.keys = json.dumps([asdict(k) for k in wire])
        row.state, row.updated_at = state.value, now
        row.attempts += 1
        return row

    def _release_on_rollback(self, session: Session, ref: str) -> None:
        """If the sale's transaction rolls back after the grant, give the keys back."""
        granted: list[str] = session.info.setdefault("federation.granted", [])
        granted.append(ref)
        if len(granted) > 1:
            return  # the listeners are already in place for this transaction

        def rolled_back(s: Session) -> None:
            for r in s.info.pop("federation.granted", []):
                try:
                    self.client.release(r)
                except (Unreachable, RegistryRefused):
                    log.warning("federation.orphan_key", extra={"ref": r})
            event.remove(s, "after_commit", committed)

        def committed(s: Session) -> None:
            s.info.pop("federation.granted", None)
            event.remove(s, "after_rollback", rolled_back)

        event.listen(session, "after_rollback", rolled_back, once=True)
        event.listen(session, "after_commit", committed, once=True)

    def send_releases(self, engine: Engine, claim_ids: list[int]) -> int:
        """Send the releases of ``claim_ids`` (state ``releasing``); returns how many went."""
        sent = 0
        with Session(engine) as session, session.begin():
            stmt = select(NationalClaim).where(
                NationalClaim.claim_id.in_(claim_ids),
                NationalClaim.state == KeyState.releasing.value,
            )
            for row in session.scalars(skip_locked(session, stmt)):
                kinds = json.loads(row.release_kinds) if row.release_kinds else None
                try:
                    self.client.release(row.ref, kinds)
                except (Unreachable, RegistryRefused) as exc:
                    row.last_error = str(exc)[:500]
                    break
                move(row, KeyState.released)
                sent += 1
        return sent


def _engine(bind: Any) -> Engine:
    return bind if isinstance(bind, Engine) else bind.engine


def skip_locked(session: Session, stmt: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


def move(row: NationalClaim, to: KeyState) -> None:
    if to not in TRANSITIONS[KeyState(row.state)]:
        raise ValueError(f"federation claim {row.claim_id}: {row.state} -> {to.value}")
    row.state, row.updated_at = to.value, utcnow()
