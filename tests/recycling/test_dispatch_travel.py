"""Travel matrices: haversine × road factor ÷ speed, and a pluggable matrix service."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from huanxin.recycling.dispatch.errors import TravelMatrixError
from huanxin.recycling.dispatch.travel import HaversineTravel, MatrixServiceTravel, Point


def test_haversine_one_degree_of_latitude() -> None:
    m = HaversineTravel(road_factor=1.0, speed_kmh=36.0).matrices([(30.0, 114.0), (31.0, 114.0)])
    # 6,371 km × π / 180 = 111,194.9 m; at 36 km/h = 10 m/s.
    assert m.distance_m.tolist() == [[0, 111195], [111195, 0]]
    assert m.duration_s.tolist() == [[0, 11119], [11119, 0]]


def test_road_factor_and_speed_scale_the_estimate() -> None:
    points = [(30.6, 114.3), (30.6, 114.4)]
    plain = HaversineTravel(road_factor=1.0, speed_kmh=30.0).matrices(points)
    road = HaversineTravel().matrices(points)
    assert road.distance_m[0, 1] == round(1.3 * plain.distance_m[0, 1])
    assert road.duration_s[0, 1] == round(road.distance_m[0, 1] / (30 / 3.6))


def fake_osrm(points: Sequence[Point]) -> tuple[list[list[float]], list[list[float]]]:
    """A stand-in for an OSRM /table call: 1,000 m and 100 s per 0.01° of latitude."""
    dist = [[abs(a[0] - b[0]) * 100_000 for b in points] for a in points]
    return dist, [[d / 10 for d in row] for row in dist]


def test_matrix_service_converts_to_integers() -> None:
    m = MatrixServiceTravel(fake_osrm).matrices([(30.0, 114.0), (30.015, 114.0)])
    assert m.distance_m.tolist() == [[0, 1500], [1500, 0]]
    assert m.duration_s.tolist() == [[0, 150], [150, 0]]


def test_matrix_service_rejects_wrong_shape() -> None:
    service = MatrixServiceTravel(lambda pts: ([[0.0]], [[0.0]]))
    with pytest.raises(TravelMatrixError, match="尺寸"):
        service.matrices([(30.0, 114.0), (30.1, 114.0)])


def test_matrix_service_rejects_missing_entries() -> None:
    nan = float("nan")
    service = MatrixServiceTravel(lambda pts: ([[0.0, nan], [1.0, 0.0]], [[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(TravelMatrixError, match="缺失"):
        service.matrices([(30.0, 114.0), (30.1, 114.0)])
