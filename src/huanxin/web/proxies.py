"""Which client address a request comes from, behind trusted reverse proxies only.

``huanxin serve`` runs uvicorn with ``proxy_headers=False``, so the TCP peer is never
replaced by a header. ``X-Forwarded-For`` is read only when the peer is listed in
``HUANXIN_TRUSTED_PROXIES`` (comma-separated addresses or networks); then the list is
walked from the right, skipping trusted proxies, and the first other address is the
client. Anything unparsable ends the walk at the last trusted hop.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def networks(trusted: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks; a bad entry raises ``ValueError`` at start."""
    return tuple(
        ipaddress.ip_network(p.strip(), strict=False) for p in trusted.split(",") if p.strip()
    )


def is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def resolve(peer: str, forwarded: list[str], trusted: str) -> str:
    nets = networks(trusted) if trusted else ()
    if not nets or not is_trusted(peer, nets):
        return peer
    hops = [h.strip() for line in forwarded for h in line.split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        client = hop
        if not is_trusted(hop, nets):
            break
    return client
