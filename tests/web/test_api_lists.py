"""No API list is cut off silently: every operation answering a JSON array takes ``limit`` and
``offset`` and documents the ``X-Total-Count`` and ``Link`` headers of its answer, except the
lists below, bounded by their nature (a vocabulary, one row per month or category, a report's
fixed rows, a search's suggestions). The list may only shrink."""

from __future__ import annotations

from typing import Any

from web.test_api_contract import _operations

BOUNDED = {
    "/api/v1/catalogue/models": "suggestions for what is typed (till.SUGGESTIONS)",
    "/api/v1/clocks/report": "one row per month and clock",
    "/api/v1/ledger/alerts": "the last days' alerts (forecast.alerts_for)",
    "/api/v1/ledger/public/{code}": "the pools of one place's public notice",
    "/api/v1/quota-releases/{release_id}/rounds": "the rounds of one schedule",
    "/api/v1/recycling/reports/mass-balance": "one row per category of a month",
    "/api/v1/recycling/indicators": "one row per indicator",
    "/api/v1/supervision/bodies/{body_id}/tasks": "the tasks one body oversees",
    "/api/v1/supervision/indicator-sources": "a vocabulary",
    "/api/v1/supervision/report-figures": "a vocabulary",
    "/api/v1/integrity/precision": "one row per fraud kind",
    "/api/v1/secondhand/price-guide": "one row per category and grade",
    "/api/v1/secondhand/warehouse/statistics": "one row per institution and year",
}


def _is_list(op: dict[str, Any]) -> bool:
    answer = op.get("responses", {}).get("200", {})
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("type") == "array"


def test_every_api_list_pages_with_a_total_and_a_next_link() -> None:
    lists = [(path, op) for method, path, op in _operations() if method == "GET" and _is_list(op)]
    assert len(lists) >= 50
    unpaged = []
    for path, op in lists:
        names = {p["name"] for p in op.get("parameters", [])}
        headers = op["responses"]["200"].get("headers", {})
        paged = {"limit", "offset"} <= names and {"X-Total-Count", "Link"} <= set(headers)
        if not paged and path not in BOUNDED:
            unpaged.append(path)
    assert unpaged == [], "API lists without limit/offset paging (web/kit/api_lists.py)"
    stale = sorted(set(BOUNDED) - {path for path, _ in lists})
    assert stale == [], "no longer lists: drop them from BOUNDED"
