"""A page and the API route for the same resource let the same roles in: pairs are found by
path (``/x`` and ``/api/v1/x``) and, where the page's path differs, by the table below. A
page that dispatches several actions (a form with a choice of buttons) is compared with the
union of its API routes; the stricter action is checked again inside the page handler."""

from __future__ import annotations

import re
from typing import Any

from app_routes import all_routes
from huanxin.core.roles import PERMISSIONS
from huanxin.web.deps import PERMISSION_ATTR

API = "/api/v1"
SH, SV, RC, EQ = f"{API}/secondhand", f"{API}/supervision", f"{API}/recycling", f"{API}/equipment"

# Page route -> the API route(s) of the same resource, where the paths differ.
ALIASES: dict[str, list[str]] = {
    "GET /admin/jurisdictions": [f"GET {API}/jurisdictions"],
    "POST /admin/jurisdictions": [f"POST {API}/jurisdictions"],
    "GET /admin/users": [f"GET {API}/users"],
    "POST /admin/users": [f"POST {API}/users"],
    "POST /catalogue": [f"POST {API}/catalogue/import"],
    "POST /ledger/pools/{}/schedule": [f"PUT {API}/ledger/pools/{{}}/tranches"],
    "POST /ledger/pools/{}/pause": [
        f"POST {API}/ledger/pools/{{}}/{a}" for a in ("pause", "resume")
    ],
    "GET /public/{}/budget": [f"GET {API}/ledger/public/{{}}"],
    "POST /claims/{}/decide": [
        f"POST {API}/claims/{{}}/{a}" for a in ("verify", "approve", "reject")
    ],
    "POST /merchant/redeem": [f"POST {API}/redemptions"],
    "GET /my": [f"GET {API}/quotas"],
    "POST /my/quotas": [f"POST {API}/quotas"],
    "POST /my/car": [f"POST {API}/applications"],
    "POST /my/lottery/{}": [f"POST {API}/quota-releases/{{}}/entries"],
    "POST /quota-releases/rounds/{}/draw": [f"POST {API}/lottery-rounds/{{}}/draw"],
    "GET /quote": [f"POST {API}/quote"],
    "GET /ledger": [f"GET {API}/ledger/pools"],
    "POST /ledger/pools/{}/allocate": [f"POST {API}/ledger/pools/{{}}/allocations"],
    "GET /integrity": [f"GET {API}/integrity/dashboard"],
    "POST /recycling/book": [f"POST {RC}/bookings"],
    "POST /recycling/dispatch": [f"POST {RC}/plans"],
    "POST /recycling/network/sites": [f"POST {RC}/sites"],
    "POST /recycling/network/sites/{}": [f"PUT {RC}/sites/{{}}"],
    "POST /recycling/network/vehicles": [f"POST {RC}/vehicles"],
    "POST /recycling/network/vehicles/{}": [f"PUT {RC}/vehicles/{{}}"],
    "POST /recycling/network/prices": [f"POST {RC}/price-lists"],
    "POST /recycling/baselines": [f"PUT {RC}/baselines"],
    "POST /recycling/pickup/{}": [f"POST {RC}/bookings/{{}}/complete"],
    "POST /recycling/pickups/{}/invoice": [f"POST {RC}/pickups/{{}}/reverse-invoice"],
    "POST /equipment/items/{}": [f"PATCH {EQ}/items/{{}}"],
    "POST /equipment/projects/{}/step": [f"POST {EQ}/projects/{{}}/steps"],
    "POST /equipment/projects/{}/subsidies": [f"POST {EQ}/subsidies"],
    "POST /equipment/enterprises/{}/import": [f"POST {EQ}/enterprises/{{}}/ledger"],
    "POST /equipment/indicator/baseline": [f"POST {EQ}/baselines"],
    "GET /equipment/lists": [f"GET {EQ}/lists.xlsx"],
    "POST /secondhand/desk/transactions": [f"POST {SH}/transactions"],
    "POST /secondhand/desk/wipes": [f"POST {SH}/wipes"],
    "POST /secondhand/reports": [f"POST {SH}/valuation-reports"],
    "GET /secondhand/valuations": [f"GET {SH}/valuation-reports"],
    "POST /secondhand/certificates/revoke": [f"POST {SH}/certificates/{{}}/revoke"],
    "POST /secondhand/credit/events": [f"POST {SH}/credit-events"],
    "POST /secondhand/credit/{}/resolve": [f"POST {SH}/credit-events/{{}}/resolve"],
    "POST /secondhand/credit/status": [f"POST {SH}/dealers/{{}}/status"],
    "GET /secondhand/trade": [f"GET {SH}/listings"],
    "GET /secondhand/trade/{}": [f"GET {SH}/listings/{{}}"],
    "POST /secondhand/trade/listings": [f"POST {SH}/listings"],
    "POST /secondhand/trade/{}/{}": [
        f"POST {SH}/listings/{{}}/{a}" for a in ("enquiries", "offers", "state", "photos")
    ],
    "GET /secondhand/used-cars": [f"GET {SH}/indicators/used-cars"],
    "POST /secondhand/used-cars/baseline": [f"POST {SH}/car-baselines"],
    # the enterprise's page lists what it may claim; the officials' page all declarations
    "GET /secondhand/warehouse": [f"GET {SH}/warehouse/pool"],
    "GET /secondhand/warehouse/admin": [f"GET {SH}/warehouse"],
    "POST /secondhand/warehouse/declare": [f"POST {SH}/warehouse"],
    "POST /secondhand/warehouse/{}/office/{}": [
        f"POST {SH}/warehouse/{{}}/{a}" for a in ("review", "approve", "release", "complete")
    ],
    "POST /supervision/plans/{}/review": [f"POST {SV}/plans/{{}}/confirm"],
    "POST /supervision/checkpoints/{}": [
        f"POST {SV}/checkpoints/{{}}/{a}" for a in ("done", "reopen", "assign")
    ],
    "POST /supervision/indicators/{}": [
        f"POST {SV}/indicators/{{}}/{a}" for a in ("config", "source", "refresh", "values")
    ],
}


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _permission(route: Any) -> str:
    calls = [d.call for d in route.dependant.dependencies]
    calls += [d.call for sub in route.dependant.dependencies for d in sub.dependencies]
    return next(getattr(c, PERMISSION_ATTR) for c in calls if hasattr(c, PERMISSION_ATTR))


def _roles(permission: str) -> frozenset[str]:
    if permission == "public":
        return frozenset({"public"})
    wanted = set(permission.split("|"))
    return frozenset(role.value for role, held in PERMISSIONS.items() if held & wanted)


def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    pages: dict[str, frozenset[str]] = {}
    api: dict[str, frozenset[str]] = {}
    for path, route in all_routes():
        for method in route.methods - {"HEAD"}:
            table = api if path.startswith("/api/") else pages
            table[f"{method} {_normal(path)}"] = _roles(_permission(route))
    return pages, api


def pairs() -> dict[str, list[str]]:
    """Every page with its API counterpart(s)."""
    pages, api = _tables()
    found = {}
    for page in pages:
        method, path = page.split(" ", 1)
        same = f"{method} {API}{path}"
        if page in ALIASES:
            found[page] = ALIASES[page]
        elif same in api:
            found[page] = [same]
    return found


def test_aliases_name_existing_routes() -> None:
    pages, api = _tables()
    assert [p for p in ALIASES if p not in pages] == []
    assert [a for targets in ALIASES.values() for a in targets if a not in api] == []


def test_page_and_api_let_the_same_roles_in() -> None:
    pages, api = _tables()
    found = pairs()
    assert len(found) > 80  # the comparison reaches every domain
    differ = []
    for page, targets in sorted(found.items()):
        union = frozenset().union(*(api[t] for t in targets))
        if pages[page] != union:
            differ.append(f"{page}: page {sorted(pages[page])} / API {sorted(union)}")
    assert differ == [], "\n".join(differ)
