"""Dispatch benchmark: Solomon gaps to the best-known distances and a synthetic county day.

``run_bench`` returns one JSON-ready dict::

    {"solomon": [{"instance", "seconds", "distance", "bks", "gap_pct", "feasible"}],
     "mean_gap_pct_10s", "mean_gap_pct_30s",
     "county_day": [{"bookings", "vehicles", "plan_s", "insert_p95_s", "unserved"}]}

Solomon distances follow the DIMACS convention of ``bks.csv`` (truncated to one decimal).
A county day plans every booking with a time limit of ``bookings / 50`` seconds (20 s for
1,000 bookings, at most 60 s), then inserts new bookings one by one from 11:00 and reports
the 95th percentile of the insertion latency.

The run can be cut down (``options_bench``; ``huanxin bench dispatch --instances C1*,R101
--seconds 30 --county none``): ``instances`` are comma-separated names or shell patterns
over ``bks.csv``, ``seconds`` the comma-separated time limits (a mean gap is ``null`` for
a limit not run), ``county`` comma-separated ``BOOKINGSxVEHICLES`` or ``none``.
``python -m bench.dispatch [--quick] SOLOMON_DIR`` prints the full dict
as the last line.
"""

from __future__ import annotations

import csv
import dataclasses
import fnmatch
import json
import math
import sys
import time
from pathlib import Path

from huanxin.core.errors import InvalidInput
from huanxin.recycling.dispatch.live import insert_booking
from huanxin.recycling.dispatch.solomon import read_solomon
from huanxin.recycling.dispatch.solver import plan_day
from huanxin.recycling.dispatch.synthetic import county_bookings, county_problem
from huanxin.recycling.dispatch.vrptw import solve_vrptw

DEFAULT_SECONDS = [10, 30]
DEFAULT_COUNTY = [(1000, 40), (5000, 80)]
QUICK_INSTANCES = ["C101", "R101"]
INSERT_FROM_S = 11 * 3600
SEED = 1


def read_bks(solomon_dir: Path) -> dict[str, float]:
    with (solomon_dir / "bks.csv").open(encoding="utf-8") as fh:
        return {row["instance"]: float(row["distance"]) for row in csv.DictReader(fh)}


def solomon_rows(
    solomon_dir: Path, seconds: list[int], *, instances: list[str] | None = None
) -> list[dict[str, object]]:
    """One row per instance and time limit, in ``bks.csv`` order."""
    bks = read_bks(solomon_dir)
    names = [name for name in bks if instances is None or name in instances]
    rows: list[dict[str, object]] = []
    for limit in seconds:
        for name in names:
            result = solve_vrptw(read_solomon(solomon_dir / f"{name}.txt"), limit, SEED)
            gap = 100 * (result.distance - bks[name]) / bks[name]
            rows.append(
                {
                    "instance": name,
                    "seconds": limit,
                    "distance": round(result.distance, 1),
                    "bks": bks[name],
                    "gap_pct": round(gap, 3),
                    "feasible": result.feasible,
                }
            )
    return rows


def mean_gap(rows: list[dict[str, object]], seconds: int) -> float | None:
    gaps = [float(str(r["gap_pct"])) for r in rows if r["seconds"] == seconds]
    return round(sum(gaps) / len(gaps), 3) if gaps else None


def county_day(bookings: int, vehicles: int, *, insertions: int = 20) -> dict[str, object]:
    """Plan a synthetic county day, then time ``insertions`` live insertions."""
    problem = county_problem(bookings, vehicles, seed=SEED)
    started = time.perf_counter()
    plan = plan_day(problem, seconds=min(60.0, bookings / 50), seed=SEED)
    plan_s = time.perf_counter() - started
    unserved = len(plan.unserved)
    latencies = []
    now = INSERT_FROM_S
    for idx, extra in enumerate(county_bookings(insertions, seed=SEED + 1000)):
        booking = dataclasses.replace(
            extra,
            id=f"LIVE{idx + 1:03d}",
            window_start_s=max(extra.window_start_s, now + 1800),
            window_end_s=max(extra.window_end_s, now + 5400),
        )
        started = time.perf_counter()
        result = insert_booking(problem, plan, booking, now_s=now, seed=SEED)
        latencies.append(time.perf_counter() - started)
        problem, plan, now = result.problem, result.plan, now + 300
    return {
        "bookings": bookings,
        "vehicles": vehicles,
        "plan_s": round(plan_s, 2),
        "insert_p95_s": round(percentile(latencies, 95), 3),
        "unserved": unserved,
    }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def run_bench(
    solomon_dir: Path,
    seconds: list[int],
    county_sizes: list[tuple[int, int]],
    *,
    instances: list[str] | None = None,
    insertions: int = 20,
) -> dict[str, object]:
    """The whole benchmark; ``instances`` restricts the Solomon set (quick mode)."""
    rows = solomon_rows(solomon_dir, seconds, instances=instances)
    return {
        "solomon": rows,
        "mean_gap_pct_10s": mean_gap(rows, 10),
        "mean_gap_pct_30s": mean_gap(rows, 30),
        "county_day": [county_day(b, v, insertions=insertions) for b, v in county_sizes],
    }


def quick_bench(solomon_dir: Path) -> dict[str, object]:
    """A smoke run in well under a minute: two instances at 1 s, a 200-booking county."""
    return run_bench(solomon_dir, [1], [(200, 8)], instances=QUICK_INSTANCES, insertions=5)


def parse_seconds(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InvalidInput("求解时间应为逗号分隔的整数秒，如 10,30", field="seconds") from None
    if not values or any(v <= 0 for v in values):
        raise InvalidInput("求解时间应为逗号分隔的正整数秒，如 10,30", field="seconds")
    return values


def parse_county(text: str) -> list[tuple[int, int]]:
    """``1000x40,5000x80`` → [(1000, 40), (5000, 80)]; ``none`` or empty → []."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        bookings, _, vehicles = part.strip().lower().partition("x")
        if (
            not (bookings.isdigit() and vehicles.isdigit())
            or not int(bookings)
            or not int(vehicles)
        ):
            raise InvalidInput(
                f"县域规模应写成 预约数x车辆数，如 1000x40：{part!r}", field="county"
            )
        sizes.append((int(bookings), int(vehicles)))
    return sizes


def pick_instances(solomon_dir: Path, text: str) -> list[str] | None:
    """Names of ``bks.csv`` matching the comma-separated names or patterns (None = all,
    ``none`` = no Solomon instance)."""
    patterns = [p.strip().upper() for p in text.split(",") if p.strip()]
    if not patterns:
        return None
    if patterns == ["NONE"]:
        return []
    names = [n for n in read_bks(solomon_dir) if any(fnmatch.fnmatch(n, p) for p in patterns)]
    if not names:
        raise InvalidInput(f"没有匹配 {text} 的Solomon算例", field="instances")
    return names


def options_bench(
    solomon_dir: Path,
    *,
    instances: str = "",
    seconds: str = "10,30",
    county: str = "1000x40,5000x80",
    insertions: int = 20,
) -> dict[str, object]:
    """The benchmark restricted by command-line style options (see the module docstring)."""
    return run_bench(
        solomon_dir,
        parse_seconds(seconds),
        parse_county(county),
        instances=pick_instances(solomon_dir, instances),
        insertions=insertions,
    )


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    solomon_dir = Path(paths[0]) if paths else Path("../shared/data/solomon")
    if quick:
        result = quick_bench(solomon_dir)
    else:
        result = run_bench(solomon_dir, DEFAULT_SECONDS, DEFAULT_COUNTY)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
