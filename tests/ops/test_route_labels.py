"""Metrics and logs label a request by its route's full template, prefix included.

FastAPI keeps an included router nested, so a route's own ``path`` is only what its module
declares: a prefix set on the router that includes it would be missing from the label
(``/bookings/{booking_id}`` for ``/api/v1/recycling/bookings/{booking_id}``). Each API module
carries the whole prefix on its own router; one route of each domain is checked here.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import builders
from huanxin.db import Database
from huanxin.ops import metrics

# (a path asked for, the template its label must be): one route of each domain's API
ROUTES = [
    ("/api/v1/jurisdictions", "/api/v1/jurisdictions"),
    ("/api/v1/ledger/pools/7", "/api/v1/ledger/pools/{pool_id}"),
    ("/api/v1/claims/7", "/api/v1/claims/{claim_id}"),
    ("/api/v1/programmes", "/api/v1/programmes"),
    ("/api/v1/recycling/bookings/7", "/api/v1/recycling/bookings/{booking_id}"),
    ("/api/v1/equipment/enterprises/7", "/api/v1/equipment/enterprises/{enterprise_id}"),
    ("/api/v1/secondhand/listings/7", "/api/v1/secondhand/listings/{listing_id}"),
    ("/api/v1/supervision/plans/7", "/api/v1/supervision/plans/{plan_id}"),
    ("/api/v1/integrity/claims/7", "/api/v1/integrity/claims/{claim_id}"),
]


@pytest.mark.parametrize(("path", "template"), ROUTES)
def test_the_label_is_the_full_route_template(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, path: str, template: str
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(metrics, "observe", lambda method, route, *rest: seen.append(route))
    client: TestClient = builders.client(sqlite_db)
    answer = client.get(path)  # not logged in: 401, after the route matched
    assert answer.status_code == 401
    assert seen == [template]
