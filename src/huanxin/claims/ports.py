"""Ports of the claims domain: what other domains plug into claims, once, at start-up
(``huanxin.domains.wire_ports``, called by the app, the CLI and the tests).

- review holds: the claims a fraud review holds, which a payment batch skips (integrity
  installs ``held_claim_ids``). A process that never wired it refuses to build a batch
  rather than pay held claims.

The port to the national registry is ``claims.service.national`` (installed per engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

HeldForReview = Callable[[Session, Iterable[int]], set[int]]

_review_holds: list[HeldForReview] = []


def install_review_holds(held: HeldForReview) -> None:
    """Install (or replace) the source of review holds."""
    _review_holds[:] = [held]


def held_for_review(session: Session, claim_ids: Iterable[int]) -> set[int]:
    """The claims among ``claim_ids`` held for review; settlement skips them."""
    if not _review_holds:
        raise RuntimeError("claims.ports: review holds not wired (huanxin.domains.wire_ports)")
    return _review_holds[0](session, claim_ids)
