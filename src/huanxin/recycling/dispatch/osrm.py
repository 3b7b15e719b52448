"""Road-network travel times from an OSRM server's table service, and the choice of the
travel model from configuration.

``OsrmTable`` calls ``GET {url}/table/v1/{profile}/{lon,lat;…}?annotations=duration,distance``
(OSRM HTTP API v1; coordinates are *longitude,latitude*) and returns the metres and
seconds matrices. Larger point sets are cut into blocks of at most ``block`` sources ×
``block`` destinations (``sources=`` / ``destinations=``), within OSRM's default
``--max-table-size`` of 100.

``configured_travel()`` picks the model from the environment:

* ``HUANXIN_OSRM_URL`` unset or empty (default): ``HaversineTravel`` — no network at all.
* ``HUANXIN_OSRM_URL=http://host:port``: the OSRM server, through ``MatrixServiceTravel``
  (shape and value checks). ``HUANXIN_OSRM_PROFILE`` (default ``driving``),
  ``HUANXIN_OSRM_TIMEOUT`` seconds (default 10), ``HUANXIN_OSRM_BLOCK`` (default 100).
* ``HUANXIN_OSRM_FALLBACK``: ``none`` (default) — an unreachable server or an unusable
  answer stops the planning with ``TravelServiceUnavailable`` (503) or
  ``TravelMatrixError`` (502) naming the server, and nothing is saved; ``haversine`` —
  log a warning and plan with the haversine estimate instead.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from huanxin.recycling.dispatch.errors import TravelMatrixError, TravelServiceUnavailable
from huanxin.recycling.dispatch.travel import (
    HaversineTravel,
    MatrixServiceTravel,
    Point,
    TravelMatrices,
    TravelMatrix,
)

log = logging.getLogger(__name__)
FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OsrmTable:
    """A client of one OSRM server's ``/table`` service."""

    base_url: str
    profile: str = "driving"
    block: int = 100
    timeout_s: float = 10.0

    def fetch(self, points: Sequence[Point]) -> tuple[FloatMatrix, FloatMatrix]:
        """(metres, seconds) for every ordered pair of ``points``."""
        size = len(points)
        distance, duration = np.zeros((size, size)), np.zeros((size, size))
        spans = [range(a, min(a + self.block, size)) for a in range(0, size, self.block)]
        for rows in spans:
            for cols in spans:
                dist, dur = self._block(points, rows, cols)
                distance[rows.start : rows.stop, cols.start : cols.stop] = dist
                duration[rows.start : rows.stop, cols.start : cols.stop] = dur
        return distance, duration

    def _block(
        self, points: Sequence[Point], rows: range, cols: range
    ) -> tuple[FloatMatrix, FloatMatrix]:
        if rows == cols:
            coords, query = [points[i] for i in rows], {}
        else:
            coords = [points[i] for i in rows] + [points[j] for j in cols]
            query = {
                "sources": ";".join(str(k) for k in range(len(rows))),
                "destinations": ";".join(str(len(rows) + k) for k in range(len(cols))),
            }
        path = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in coords)
        query["annotations"] = "duration,distance"
        url = (
            f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{path}?"
            f"{urllib.parse.urlencode(query, safe=';,')}"
        )
        body = self._get(url)
        shape = (len(rows), len(cols))
        return _matrix(body, "distances", shape), _matrix(body, "durations", shape)

    def _get(self, url: str) -> dict[str, Any]:
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as resp:  # noqa: S310
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()  # OSRM answers 400 with a JSON code and message
            if not raw:
                raise TravelServiceUnavailable(
                    f"路网服务 {self.base_url} 返回HTTP {exc.code}", field="HUANXIN_OSRM_URL"
                ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TravelServiceUnavailable(
                f"路网服务 {self.base_url} 无法连接（{reason}）", field="HUANXIN_OSRM_URL"
            ) from exc
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise TravelMatrixError(f"路网服务 {self.base_url} 的应答不是JSON") from exc
        if not isinstance(body, dict) or body.get("code") != "Ok":
            code = body.get("code") if isinstance(body, dict) else None
            message = body.get("message", "") if isinstance(body, dict) else ""
            raise TravelMatrixError(f"路网服务 {self.base_url} 返回错误：{code} {message}".strip())
        return body


def _matrix(body: Mapping[str, Any], key: str, shape: tuple[int, int]) -> FloatMatrix:
    rows = body.get(key)
    if not isinstance(rows, list) or len(rows) != shape[0]:
        raise TravelMatrixError(f"路网服务的应答缺少{key}矩阵或行数不对")
    if any(not isinstance(r, list) or len(r) != shape[1] or None in r for r in rows):
        raise TravelMatrixError("路网服务找不到部分坐标之间的道路（矩阵含空值）")
    return np.asarray(rows, dtype=np.float64)


@dataclass(frozen=True)
class FallbackTravel:
    """``primary``, or ``fallback`` (with a warning) when the primary service fails."""

    primary: TravelMatrix
    fallback: TravelMatrix

    def matrices(self, points: Sequence[Point]) -> TravelMatrices:
        try:
            return self.primary.matrices(points)
        except (TravelServiceUnavailable, TravelMatrixError) as exc:
            log.warning("road-network matrix failed, using haversine: %s", exc.message)
            return self.fallback.matrices(points)


def configured_travel(environ: Mapping[str, str] | None = None) -> TravelMatrix:
    """The travel model selected by ``HUANXIN_OSRM_*`` (haversine when unset)."""
    env = os.environ if environ is None else environ
    url = env.get("HUANXIN_OSRM_URL", "").strip()
    if not url:
        return HaversineTravel()
    if not url.startswith(("http://", "https://")):
        raise TravelServiceUnavailable(
            "路网服务地址须以http://或https://开头", field="HUANXIN_OSRM_URL"
        )
    client = OsrmTable(
        url,
        profile=env.get("HUANXIN_OSRM_PROFILE", "driving"),
        block=max(1, int(env.get("HUANXIN_OSRM_BLOCK", "100"))),
        timeout_s=float(env.get("HUANXIN_OSRM_TIMEOUT", "10")),
    )
    service = MatrixServiceTravel(client.fetch)
    policy = env.get("HUANXIN_OSRM_FALLBACK", "none").strip().lower()
    if policy == "haversine":
        return FallbackTravel(service, HaversineTravel())
    if policy != "none":
        raise TravelServiceUnavailable(
            "HUANXIN_OSRM_FALLBACK只能是none或haversine", field="HUANXIN_OSRM_FALLBACK"
        )
    return service
