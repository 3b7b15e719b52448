"""What a claim carries for the fraud detectors, computed where the claim is captured.

A redemption knows its till (terminal id), the till's store (a site with coordinates) and,
when the till reports it, where the device was; an application knows the account the
subsidy is paid to; a claim that used a recycling certificate knows the weight of the old
item from the certificate; every claim knows the name, mobile and (when given) delivery
address of its consumer. :func:`columns` turns these into the claim's columns: the
account and address sealed (``pii.seal``) with a keyed hash beside them, and for record
linkage the keyed hash of the mobile's first ten digits and of the normalised address
(block keys) and keyed Bloom-filter encodings of name, mobile and address
(:mod:`huanxin.core.clk`), compared by Dice similarity without unsealing anything.

The one-claim paths (``redeem``, ``apply``) and bulk loads call the same :func:`columns`,
so a bulk-loaded claim holds exactly what a real one would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huanxin.core import clk, pii
from huanxin.policy.api import Quote

NO_CAP = 10**15
"""The cap of a quote one of whose rules has none (unbounded)."""


@dataclass(frozen=True)
class Signals:
    """The detectors' inputs of one claim, as captured (plain values, before sealing)."""

    store_id: int | None = None
    terminal_id: str | None = None
    redeem_lat: float | None = None
    redeem_lon: float | None = None
    name: str | None = None
    mobile: str | None = None
    address: str | None = None
    payee_account: str | None = None
    recycled_weight_g: int | None = None
    cap_fen: int | None = None


def cap_of(quote: Quote) -> int:
    """Sum of the caps of the quote's applied rules (:data:`NO_CAP` if one has none)."""
    caps = []
    for applied in quote.applied:
        rule = applied.trace.get("rule")
        caps.append(rule.get("cap_fen") if isinstance(rule, dict) else None)
    if not caps or any(not isinstance(c, int) for c in caps):
        return NO_CAP
    return sum(int(c) for c in caps if isinstance(c, int))


def _key(kind: str, value: str | None) -> str | None:
    return pii.lookup_hash(kind, value) if value else None


def columns(signals: Signals, seal: Callable[[str], str] = pii.seal) -> dict[str, Any]:
    """The claim's columns of ``signals``: sealed (with ``seal``), hashed and encoded."""
    account = (signals.payee_account or "").strip() or None
    address = (signals.address or "").strip() or None
    mobile = (signals.mobile or "").strip() or None
    return {
        "store_id": signals.store_id,
        "terminal_id": signals.terminal_id,
        "redeem_lat": signals.redeem_lat,
        "redeem_lon": signals.redeem_lon,
        "payee_account_enc": seal(account) if account else None,
        "payee_account_key": _key("bank_account", account),
        "recycled_weight_g": signals.recycled_weight_g,
        "cap_fen": signals.cap_fen,
        "address_enc": seal(address) if address else None,
        "address_key": _key("address", clk.normalise("address", address or "")),
        "phone_block_key": _key("mobile10", mobile[:10] if mobile else None),
        "name_clk": clk.encode("name", signals.name),
        "phone_clk": clk.encode("phone", mobile),
        "address_clk": clk.encode("address", address),
    }


def capture(claim: Any, signals: Signals) -> None:
    """Set the claim's columns of ``signals`` (the one-claim paths)."""
    for name, value in columns(signals).items():
        setattr(claim, name, value)
