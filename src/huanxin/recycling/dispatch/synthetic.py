"""A deterministic synthetic county for benchmarks and tests.

Bookings cluster around market towns (plus some scattered farms) in a county of about
40 km × 40 km; vehicles are split over a few transfer stations with a 08:00–18:00 shift.
The same ``seed`` always gives the same county.
"""

from __future__ import annotations

import numpy as np

from huanxin.recycling.dispatch.model import Booking, DispatchProblem, Station, Vehicle

CENTRE = (30.60, 114.30)
KM_LAT = 1 / 111.0
KM_LON = 1 / 95.6  # at about 30.6° N
SHIFT_START = 8 * 3600
SHIFT_END = 18 * 3600


def _offset(km_north: float, km_east: float) -> tuple[float, float]:
    return (round(CENTRE[0] + km_north * KM_LAT, 6), round(CENTRE[1] + km_east * KM_LON, 6))


def county_stations(count: int = 4) -> tuple[Station, ...]:
    """Transfer stations on a ring 10 km around the county seat."""
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return tuple(
        Station(f"ST{i + 1}", *_offset(10 * float(np.sin(a)), 10 * float(np.cos(a))))
        for i, a in enumerate(angles)
    )


def county_vehicles(count: int, stations: tuple[Station, ...]) -> tuple[Vehicle, ...]:
    """Alternating small (800 kg, 6 m³) and large (1,500 kg, 10 m³) trucks."""
    vehicles = []
    for i in range(count):
        big = i % 2 == 1
        vehicles.append(
            Vehicle(
                id=f"V{i + 1:03d}",
                home=stations[i % len(stations)].id,
                capacity_kg=1500.0 if big else 800.0,
                capacity_m3=10.0 if big else 6.0,
                shift_start_s=SHIFT_START,
                shift_end_s=SHIFT_END,
                max_shift_s=9 * 3600,
            )
        )
    return tuple(vehicles)


def county_bookings(count: int, *, seed: int = 7) -> tuple[Booking, ...]:
    """Two-hour windows between 08:00 and 17:00, 5–12 minutes of service, 5–150 kg."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform(-18, 18, size=(12, 2))
    bookings = []
    for i in range(count):
        if rng.random() < 0.8:
            north, east = towns[rng.integers(len(towns))] + rng.normal(0, 1.5, size=2)
        else:
            north, east = rng.uniform(-20, 20, size=2)
        start = SHIFT_START + 1800 * int(rng.integers(0, 15))
        weight = float(np.clip(rng.lognormal(3.2, 0.8), 5, 150))
        bookings.append(
            Booking(
                id=f"B{i + 1:05d}",
                lat=_offset(float(north), float(east))[0],
                lon=_offset(float(north), float(east))[1],
                window_start_s=start,
                window_end_s=min(start + 7200, SHIFT_END - 1800),
                service_s=int(rng.integers(5, 13)) * 60,
                weight_kg=round(weight, 1),
                volume_m3=round(weight / 120 + float(rng.uniform(0, 0.2)), 2),
            )
        )
    return tuple(bookings)


def county_problem(
    bookings: int, vehicles: int, *, stations: int = 4, seed: int = 7
) -> DispatchProblem:
    """A whole synthetic county day."""
    station_list = county_stations(stations)
    return DispatchProblem(
        stations=station_list,
        vehicles=county_vehicles(vehicles, station_list),
        bookings=county_bookings(bookings, seed=seed),
    )
