"""The OSRM table client against a tiny fake OSRM server started here (real HTTP on the
loopback, http.server in a thread): block requests, longitude-first coordinates, errors,
the unreachable server, the haversine fallback, and the choice by configuration, down to a
day's plan stored in the database."""

from __future__ import annotations

import itertools
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from sqlalchemy import select

from huanxin.core.models import AuditEntry
from huanxin.recycling.dispatch.errors import TravelMatrixError, TravelServiceUnavailable
from huanxin.recycling.dispatch.osrm import FallbackTravel, OsrmTable, configured_travel
from huanxin.recycling.dispatch.travel import HaversineTravel, MatrixServiceTravel, Point
from huanxin.recycling.models import Booking
from huanxin.recycling.service import bookings, dispatching

if TYPE_CHECKING:
    from conftest import RWorld

POINTS: list[Point] = [
    (35.69, 112.18),
    (35.70, 112.20),
    (35.72, 112.15),
    (35.66, 112.22),
    (35.69, 112.25),
]


def road(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The fake network's metres between two (lon, lat) points: east-west costs double, so
    a client that swaps latitude and longitude gets other numbers."""
    return abs(a[1] - b[1]) * 111_000 + abs(a[0] - b[0]) * 2 * 90_000


class FakeOsrm(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []
    mode = "ok"

    def do_GET(self) -> None:
        FakeOsrm.requests.append(self.path)
        url = urlsplit(self.path)
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            return self._send(400, {"code": "InvalidUrl", "message": "bad path"})
        coords = [tuple(float(x) for x in c.split(",")) for c in parts[4].split(";")]
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        srcs = [int(i) for i in q["sources"].split(";")] if "sources" in q else range(len(coords))
        dsts = (
            [int(i) for i in q["destinations"].split(";")]
            if "destinations" in q
            else range(len(coords))
        )
        if q.get("annotations") != "duration,distance":
            return self._send(400, {"code": "InvalidOptions", "message": "annotations"})
        dist = [[road(coords[s], coords[d]) for d in dsts] for s in srcs]  # type: ignore[arg-type]
        dur: list[list[float | None]] = [[m / 10 for m in row] for row in dist]
        if FakeOsrm.mode == "gap":
            dur[0][-1] = None
        if FakeOsrm.mode == "error":
            return self._send(400, {"code": "TooBig", "message": "Too many table coordinates"})
        return self._send(200, {"code": "Ok", "distances": dist, "durations": dur})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    FakeOsrm.requests, FakeOsrm.mode = [], "ok"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def expected() -> np.ndarray:
    return np.array([[road((a[1], a[0]), (b[1], b[0])) for b in POINTS] for a in POINTS])


def test_one_request_when_the_points_fit(osrm: str) -> None:
    m = MatrixServiceTravel(OsrmTable(osrm).fetch).matrices(POINTS)
    assert m.distance_m.tolist() == np.rint(expected()).astype(int).tolist()
    assert m.duration_s.tolist() == np.rint(expected() / 10).astype(int).tolist()
    assert len(FakeOsrm.requests) == 1
    assert FakeOsrm.requests[0].startswith("/table/v1/driving/112.180000,35.690000;")


def test_blocks_with_sources_and_destinations(osrm: str) -> None:
    m = MatrixServiceTravel(OsrmTable(osrm, block=2).fetch).matrices(POINTS)
    assert m.distance_m.tolist() == np.rint(expected()).astype(int).tolist()
    assert len(FakeOsrm.requests) == 9  # 3 × 3 blocks of at most 2 × 2
    assert sum("sources=" in r for r in FakeOsrm.requests) == 6  # off-diagonal blocks


def test_server_errors_and_gaps_are_reported(osrm: str) -> None:
    FakeOsrm.mode = "error"
    with pytest.raises(TravelMatrixError, match="TooBig"):
        MatrixServiceTravel(OsrmTable(osrm).fetch).matrices(POINTS)
    FakeOsrm.mode = "gap"
    with pytest.raises(TravelMatrixError, match="空值"):
        MatrixServiceTravel(OsrmTable(osrm).fetch).matrices(POINTS)


def test_unreachable_server_is_a_clear_error_or_falls_back() -> None:
    url = _closed_port()
    with pytest.raises(TravelServiceUnavailable) as exc:
        configured_travel({"HUANXIN_OSRM_URL": url}).matrices(POINTS)
    assert exc.value.status == 503 and url in exc.value.message and "无法连接" in exc.value.message
    assert exc.value.field == "HUANXIN_OSRM_URL"
    travel = configured_travel({"HUANXIN_OSRM_URL": url, "HUANXIN_OSRM_FALLBACK": "haversine"})
    assert isinstance(travel, FallbackTravel)
    got = travel.matrices(POINTS)
    assert got.distance_m.tolist() == HaversineTravel().matrices(POINTS).distance_m.tolist()


def test_configuration_selects_the_model() -> None:
    assert isinstance(configured_travel({}), HaversineTravel)
    assert isinstance(configured_travel({"HUANXIN_OSRM_URL": " "}), HaversineTravel)
    assert isinstance(
        configured_travel({"HUANXIN_OSRM_URL": "http://127.0.0.1:5000"}), MatrixServiceTravel
    )
    for env, field in (
        ({"HUANXIN_OSRM_URL": "127.0.0.1:5000"}, "HUANXIN_OSRM_URL"),
        (
            {"HUANXIN_OSRM_URL": "http://x", "HUANXIN_OSRM_FALLBACK": "maybe"},
            "HUANXIN_OSRM_FALLBACK",
        ),
    ):
        with pytest.raises(TravelServiceUnavailable) as exc:
            configured_travel(env)
        assert exc.value.field == field


def test_day_plan_uses_the_configured_server(
    rworld: RWorld, osrm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = rworld.actor("consumer.140521")
    with rworld.db.unit_of_work() as s:
        for lat, lon in POINTS[1:]:
            bookings.create_booking(
                s,
                actor,
                bookings.BookingIn(
                    "演示地址",
                    lat,
                    lon,
                    rworld.day,
                    9 * 3600,
                    12 * 3600,
                    [bookings.ItemIn("paper", 1, 20_000, "any")],
                ),
            )
    monkeypatch.setenv("HUANXIN_OSRM_URL", osrm)
    office = rworld.actor("office.140521")
    with rworld.db.unit_of_work() as s:
        plan = dispatching.plan_for_day(
            s, office, jurisdiction_code="140521", day=rworld.day, seconds=1, iterations=100
        )
        body = asdict(dispatching.plan_view(s, plan))
    assert FakeOsrm.requests and all(r.startswith("/table/v1/driving/") for r in FakeOsrm.requests)
    served = [st for r in body["routes"] for st in r["stops"] if st["kind"] == "pickup"]
    assert len(served) == 4 and body["unserved"] == []
    home = (35.690, 112.187)  # the transfer station of the test world
    for route in body["routes"]:
        path = [home, *[(st["lat"], st["lon"]) for st in route["stops"]], home]
        metres = sum(round(road((a[1], a[0]), (b[1], b[0]))) for a, b in itertools.pairwise(path))
        assert route["distance_m"] == metres  # the fake network's metres, not haversine
    monkeypatch.setenv("HUANXIN_OSRM_URL", _closed_port())
    with rworld.db.unit_of_work() as s, pytest.raises(TravelServiceUnavailable):
        dispatching.plan_for_day(
            s, office, jurisdiction_code="140521", day=rworld.day, seconds=1, iterations=100
        )
    with rworld.db.sessions() as s:
        again = dispatching.find_plan(s, office, jurisdiction_code="140521", day=rworld.day)
        assert again.revision == 1  # the failed re-plan saved nothing
    with rworld.db.unit_of_work() as s:  # a booking arriving now is kept, not inserted
        late = bookings.create_booking(
            s,
            actor,
            bookings.BookingIn(
                "演示地址",
                35.70,
                112.19,
                rworld.day,
                13 * 3600,
                15 * 3600,
                [bookings.ItemIn("paper", 1, 10_000, "any")],
            ),
        ).id
    with rworld.db.sessions() as s:
        assert s.get(Booking, late).status == "booked"  # type: ignore[union-attr]
        plan_row = dispatching.find_plan(s, office, jurisdiction_code="140521", day=rworld.day)
        assert plan_row.revision == 1
        deferred = s.scalars(
            select(AuditEntry.action).where(AuditEntry.action == "recycling.plan_insert_deferred")
        ).all()
        assert deferred == ["recycling.plan_insert_deferred"]
