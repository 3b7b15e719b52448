"""Every APIRoute of the application with its full path, including routes of routers that a
domain router includes (FastAPI keeps those as lazily expanded ``_IncludedRouter`` entries,
which ``app.routes`` does not flatten)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute

from huanxin.app import API_ROUTERS, PAGE_ROUTERS


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            yield from _walk(route.original_router.routes, inner)


def all_routes() -> list[tuple[str, APIRoute]]:
    return [item for router in API_ROUTERS + PAGE_ROUTERS for item in _walk(router.routes, "")]


def header_names(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.header_params}
    for sub in dependant.dependencies:
        names |= header_names(sub)
    return names


# POST endpoints that change nothing the caller could repeat by accident: computations and
# checks, and the login that issues a token (each call is meant to give a new one).
NOT_MUTATING = {
    "/api/v1/auth/token",
    "/api/v1/identifiers/check",
    "/api/v1/audit/verify",
    "/api/v1/quote",
    "/api/v1/recycling/quote",
    "/api/v1/equipment/subsidy-quote",
    "/api/v1/equipment/tax-credit-quote",
}
