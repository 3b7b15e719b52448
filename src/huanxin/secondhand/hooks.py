"""Hooks other domains connect to; the secondhand domain calls them and knows nothing else.

``on_item_left``: called with ``(session, equipment_ref)`` inside the same transaction when a
listed item carrying an ``equipment_ref`` is delivered or disposed (it has left the seller).
The lead connects the equipment ledger here, e.g.
``hooks.on_item_left.append(equipment.service.retire_from_ledger)``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

on_item_left: list[Callable[[Session, str], None]] = []
