"""The one list of domains. The app's routers, the CLI's commands, the menu, the home-page
figures, the model registry, the demo and the benchmarks all come from it, in this order:
the business areas in menu order, then the platform's own operations (``ops``).

Each entry is the ``DOMAIN`` descriptor (``huanxin.core.domain.Domain``) that the domain
declares in its package ``__init__``; a new domain is one descriptor and one line here."""

from __future__ import annotations

from huanxin import (
    claims,
    equipment,
    federation,
    integrity,
    ledger,
    ops,
    policy,
    recycling,
    secondhand,
    supervision,
)
from huanxin.core.domain import Domain, load

DOMAINS: tuple[Domain, ...] = (
    policy.DOMAIN,
    claims.DOMAIN,
    ledger.DOMAIN,
    recycling.DOMAIN,
    equipment.DOMAIN,
    supervision.DOMAIN,
    integrity.DOMAIN,
    federation.DOMAIN,
    secondhand.DOMAIN,
    ops.DOMAIN,
)


def by_demo_order() -> list[Domain]:
    """The domains with demo data, each after the domains whose data it reads."""
    return sorted((d for d in DOMAINS if d.demo), key=lambda d: d.demo_order)


def wire_ports() -> None:
    """Install each domain's adapters on the ports of the domains it serves (payment batches
    skip claims integrity holds; a listing's sale takes the row out of the equipment ledger).
    Called once at start-up by the app, the CLI and the tests; calling it again changes nothing."""
    for domain in DOMAINS:
        if domain.wire:
            load(domain.wire)()
