"""The deployment's HTTP client of the national registry: authenticated, with a timeout.

Any failure to get an answer (refused connection, timeout, a 5xx) is ``Unreachable``;
the caller then applies the programme's outage rule. A 4xx is a ``RegistryRefused``
(a bug or a revoked token, never retried silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx


class Unreachable(Exception):
    pass


class RegistryRefused(Exception):
    pass


@dataclass(frozen=True)
class WireKey:
    kind: str
    candidates: list[str]
    previous: list[str]


class RegistryClient:
    """One deployment's view of the registry at ``base_url`` (or through ``http``, e.g. a
    test client of the in-process registry app)."""

    def __init__(
        self, base_url: str, token: str, *, timeout: float = 2.0, http: httpx.Client | None = None
    ) -> None:
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, *, idem: str | None = None, **kw: Any) -> Any:
        headers = {**self.headers, **({"Idempotency-Key": idem} if idem else {})}
        try:
            resp = self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{exc.__class__.__name__}: {exc}") from exc
        if resp.status_code >= 500:
            raise Unreachable(f"registry answered {resp.status_code}")
        if resp.status_code >= 400:
            raise RegistryRefused(f"{resp.status_code} {resp.text[:200]}")
        return resp.json()

    def claim(self, ref: str, keys: list[WireKey], *, deferred: bool = False) -> dict[str, Any]:
        body = {
            "ref": ref,
            "deferred": deferred,
            "keys": [
                {"kind": k.kind, "candidates": k.candidates, "previous": k.previous} for k in keys
            ],
        }
        result: dict[str, Any] = self._call(
            "POST", "/registry/v1/claims", json=body, idem=f"claim:{ref}"
        )
        return result

    def release(self, ref: str, kinds: list[str] | None = None) -> int:
        body = {"ref": ref, "kinds": kinds}
        return int(
            self._call("POST", "/registry/v1/releases", json=body, idem=f"release:{ref}")[
                "released"
            ]
        )

    def matches(self, since_id: int = 0) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call(
            "GET", "/registry/v1/matches", params={"since_id": since_id}
        )
        return found

    def dispose(self, match_id: int, disposition: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST",
            f"/registry/v1/matches/{match_id}/disposition",
            json={"disposition": disposition},
            idem=f"match:{match_id}:{disposition}",
        )
        return result

    def publish(self, as_of: date, figures: dict[str, int]) -> None:
        self._call(
            "POST",
            "/registry/v1/rollups",
            json={"as_of": as_of.isoformat(), "figures": figures},
            idem=f"rollup:{as_of.isoformat()}",
        )
