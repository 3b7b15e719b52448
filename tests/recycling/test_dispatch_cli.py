"""``huanxin dispatch solve`` through Typer's CliRunner, and the benchmark's output shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.dispatch import (
    mean_gap,
    parse_county,
    parse_seconds,
    percentile,
    pick_instances,
    run_bench,
)
from huanxin.cli import app as main_app
from huanxin.core.errors import InvalidInput
from huanxin.recycling.cli import dispatch_app

INSTANCE = """SMALL

VEHICLE
NUMBER     CAPACITY
  4         30

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0    0    0    0   1000    0
    1     10    0   20    0    200   10
    2     20    0   20    0    300   10
    3      0   10   10    0    300   10
    4      0   20   10    0    400   10
"""

runner = CliRunner()


def test_solve_prints_json(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    result = runner.invoke(
        dispatch_app, ["solve", str(path), "--seconds", "0.5", "--seed", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output.strip().splitlines()[-1])
    assert set(body) == {"vehicles", "distance", "feasible", "routes"}
    assert body["feasible"] is True
    assert sorted(c for r in body["routes"] for c in r) == [1, 2, 3, 4]
    # Capacity 30 forces customers 1 and 2 (20 each) apart; 3 and 4 fit together:
    # optimum 0→1→0 (20) + 0→2→0 (40) + 0→3→4→0 (40) = 100.0.
    assert body["distance"] == 100.0
    assert body["vehicles"] == len(body["routes"]) == 3


def test_solve_text_output(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    result = runner.invoke(dispatch_app, ["solve", str(path), "--seconds", "0.5"])
    assert result.exit_code == 0
    assert "总距离 100.0" in result.output


def test_malformed_file_exits_1_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(
        INSTANCE.replace("    3      0   10   10    0    300   10", "    3  0  10"),
        encoding="utf-8",
    )
    result = runner.invoke(dispatch_app, ["solve", str(path), "--json"])
    assert result.exit_code == 1
    assert "第13行：字段数量不足" in result.output


def test_missing_file_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(dispatch_app, ["solve", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "无法读取算例文件" in result.output


def test_percentile_nearest_rank() -> None:
    assert percentile([0.5, 0.1, 0.3, 0.2], 95) == 0.5
    assert percentile([0.4, 0.1, 0.3, 0.2], 50) == 0.2
    assert percentile([], 95) == 0.0


def test_bench_output_shape(tmp_path: Path) -> None:
    (tmp_path / "SMALL.txt").write_text(INSTANCE, encoding="utf-8")
    (tmp_path / "bks.csv").write_text("instance,vehicles,distance,source_url\nSMALL,3,100.0,x\n")
    result = run_bench(tmp_path, [1], [(30, 2)], insertions=2)
    assert set(result) == {"solomon", "mean_gap_pct_10s", "mean_gap_pct_30s", "county_day"}
    assert result["solomon"] == [
        {
            "instance": "SMALL",
            "seconds": 1,
            "distance": 100.0,
            "bks": 100.0,
            "gap_pct": 0.0,
            "feasible": True,
        }
    ]
    assert result["mean_gap_pct_10s"] is None and result["mean_gap_pct_30s"] is None
    (county,) = result["county_day"]  # type: ignore[misc]
    assert set(county) == {"bookings", "vehicles", "plan_s", "insert_p95_s", "unserved"}
    assert (county["bookings"], county["vehicles"]) == (30, 2)
    assert json.loads(json.dumps(result)) == result


def test_mean_gap_per_time_limit() -> None:
    rows: list[dict[str, object]] = [
        {"instance": "A", "seconds": 10, "gap_pct": 0.4},
        {"instance": "B", "seconds": 10, "gap_pct": 0.2},
        {"instance": "A", "seconds": 30, "gap_pct": 0.1},
    ]
    assert (mean_gap(rows, 10), mean_gap(rows, 30), mean_gap(rows, 60)) == (0.3, 0.1, None)


def test_bench_options_choose_a_part(tmp_path: Path) -> None:
    for name in ("SMALL", "SMALL2", "OTHER"):
        (tmp_path / f"{name}.txt").write_text(INSTANCE, encoding="utf-8")
    (tmp_path / "bks.csv").write_text(
        "instance,vehicles,distance,source_url\n"
        "SMALL,3,100.0,x\nSMALL2,3,100.0,x\nOTHER,3,100.0,x\n"
    )
    assert pick_instances(tmp_path, "small*") == ["SMALL", "SMALL2"]
    assert pick_instances(tmp_path, "OTHER, SMALL") == ["SMALL", "OTHER"]
    assert pick_instances(tmp_path, "") is None and pick_instances(tmp_path, "none") == []
    assert parse_county("1000x40, 5000X80") == [(1000, 40), (5000, 80)]
    assert parse_county("none") == [] and parse_seconds("10,30") == [10, 30]
    for bad, field in (
        (lambda: parse_county("1000"), "county"),
        (lambda: parse_seconds("ten"), "seconds"),
        (lambda: parse_seconds("0"), "seconds"),
        (lambda: pick_instances(tmp_path, "R1*"), "instances"),
    ):
        with pytest.raises(InvalidInput) as exc:
            bad()
        assert exc.value.field == field
    cli = CliRunner()
    args = [
        "bench",
        "dispatch",
        "--solomon",
        str(tmp_path),
        "--instances",
        "OTHER",
        "--seconds",
        "1",
        "--county",
        "none",
        "--json",
    ]
    result = cli.invoke(main_app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output.strip().splitlines()[-1])
    assert [(r["instance"], r["seconds"]) for r in body["solomon"]] == [("OTHER", 1)]
    assert body["county_day"] == [] and body["mean_gap_pct_30s"] is None
    bad = cli.invoke(main_app, [*args[:4], "--instances", "R1*"])
    assert bad.exit_code == 1 and "instances" in bad.output
