"""Travel distances and durations between coordinates, behind a small interface.

``TravelMatrix`` is what the dispatch solver needs: integer metres and seconds for every
ordered pair of points. ``HaversineTravel`` estimates them from coordinates (great-circle
distance × road factor ÷ speed); ``MatrixServiceTravel`` wraps any callable that fetches a
matrix, e.g. from an OSRM ``/table`` server, so a road network can be plugged in without
touching the solver. ``osrm.OsrmTable`` is that HTTP client and ``osrm.configured_travel``
chooses between the two from ``HUANXIN_OSRM_URL``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from huanxin.recycling.dispatch.errors import TravelMatrixError

EARTH_RADIUS_M = 6_371_000.0

Point = tuple[float, float]
"""A coordinate as (latitude, longitude) in degrees."""

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TravelMatrices:
    """Square int64 matrices indexed like the input points: metres and seconds."""

    distance_m: IntMatrix
    duration_s: IntMatrix


class TravelMatrix(Protocol):
    """Anything that turns a list of points into distance and duration matrices."""

    def matrices(self, points: Sequence[Point]) -> TravelMatrices: ...


@dataclass(frozen=True)
class HaversineTravel:
    """Great-circle distance stretched by ``road_factor``, driven at ``speed_kmh``."""

    road_factor: float = 1.3
    speed_kmh: float = 30.0

    def matrices(self, points: Sequence[Point]) -> TravelMatrices:
        metres = self.road_factor * haversine_m(points)
        seconds = metres / (self.speed_kmh / 3.6)
        return TravelMatrices(
            distance_m=np.rint(metres).astype(np.int64),
            duration_s=np.rint(seconds).astype(np.int64),
        )


def haversine_m(points: Sequence[Point]) -> npt.NDArray[np.float64]:
    """Pairwise great-circle distances in metres (float64, zero diagonal)."""
    coords = np.radians(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    lat, lon = coords[:, 0], coords[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    cos_lat = np.cos(lat)
    half = np.sin(dlat / 2) ** 2 + cos_lat[:, None] * cos_lat[None, :] * np.sin(dlon / 2) ** 2
    angle = np.arcsin(np.sqrt(np.clip(half, 0.0, 1.0)))
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * angle
    return result


_LABELS = {"distance": "距离", "duration": "时间"}

RawMatrix = Sequence[Sequence[float]] | npt.NDArray[np.float64]
MatrixFetcher = Callable[[Sequence[Point]], tuple[RawMatrix, RawMatrix]]
"""Returns (distances in metres, durations in seconds) for the given points."""


@dataclass(frozen=True)
class MatrixServiceTravel:
    """Matrices from an external service (e.g. OSRM ``/table``) through ``fetch``.

    ``fetch`` does the I/O; this class only checks the shape and converts to integers, so
    tests can pass a plain function and production can pass an HTTP client.
    """

    fetch: MatrixFetcher

    def matrices(self, points: Sequence[Point]) -> TravelMatrices:
        raw_distance, raw_duration = self.fetch(points)
        size = len(points)
        distance = np.asarray(raw_distance, dtype=np.float64)
        duration = np.asarray(raw_duration, dtype=np.float64)
        for label, matrix in (("distance", distance), ("duration", duration)):
            if matrix.shape != (size, size):
                msg = f"路网{_LABELS[label]}矩阵尺寸为 {matrix.shape}，应为 {(size, size)}"
                raise TravelMatrixError(msg)
            if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
                raise TravelMatrixError(f"路网{_LABELS[label]}矩阵含缺失或负值")
        return TravelMatrices(
            distance_m=np.rint(distance).astype(np.int64),
            duration_s=np.rint(duration).astype(np.int64),
        )


def pyvrp_matrices(matrix: IntMatrix) -> list[Any]:
    """One-profile matrix list for ``pyvrp.ProblemData`` (its stub types arrays loosely)."""
    return [matrix]
