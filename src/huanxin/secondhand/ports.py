"""Ports of the secondhand domain: what another domain plugs in, once, at start-up
(``huanxin.domains.wire_ports``). The equipment ledger installs its link (``equipment.departures``):

- ``choices(session, org_id)``: the seller's ledger rows a listing may name, as
  ``(equipment_ref, label)``;
- ``check(session, org_id, equipment_ref)``: refuses a reference the seller does not hold (a
  ``DomainError`` naming ``equipment_ref``) and returns it as stored;
- ``item_left(session, actor, org_id, equipment_ref, reason)``: called inside the same
  transaction when a listed item carrying an ``equipment_ref`` is delivered or disposed (it has
  left the seller); a refusal rolls the whole step back.

Without a link (a deployment without the equipment domain) a listing names no ledger row."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor


class LedgerLink(Protocol):
    def choices(self, session: Session, org_id: int) -> list[tuple[str, str]]: ...

    def check(self, session: Session, org_id: int, equipment_ref: str) -> str: ...

    def item_left(
        self, session: Session, actor: Actor, org_id: int, equipment_ref: str, reason: str
    ) -> None: ...


class NoLedger:
    def choices(self, session: Session, org_id: int) -> list[tuple[str, str]]:
        return []

    def check(self, session: Session, org_id: int, equipment_ref: str) -> str:
        return equipment_ref

    def item_left(
        self, session: Session, actor: Actor, org_id: int, equipment_ref: str, reason: str
    ) -> None:
        return None


_link: list[LedgerLink] = [NoLedger()]


def install_ledger(link: LedgerLink | None) -> None:
    """Install (or, with None, remove) the equipment-ledger link."""
    _link[:] = [link or NoLedger()]


def ledger() -> LedgerLink:
    return _link[0]
