"""Hooks other domains connect to; the secondhand domain calls them and knows nothing else.

The equipment ledger connects here (``huanxin.equipment.departures.connect``, called when the
secondhand package is imported):

- ``ref_choices(session, org_id)``: the seller's ledger rows a listing may name, as
  ``(equipment_ref, label)``;
- ``ref_checks(session, org_id, equipment_ref)``: refuses a reference the seller does not hold
  (a ``DomainError`` naming ``equipment_ref``) and returns it as stored;
- ``on_item_left(session, actor, org_id, equipment_ref, reason)``: called inside the same
  transaction when a listed item carrying an ``equipment_ref`` is delivered or disposed (it
  has left the seller); a refusal rolls the whole step back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor

on_item_left: list[Callable[[Session, Actor, int, str, str], None]] = []
ref_checks: list[Callable[[Session, int, str], str]] = []
ref_choices: list[Callable[[Session, int], list[tuple[str, str]]]] = []
