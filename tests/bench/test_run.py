"""``bench/run.py``: refuses an unknown benchmark, and runs one that prints its JSON result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_an_unknown_benchmark_is_refused_with_the_list() -> None:
    done = _run("nope")
    assert done.returncode == 1
    assert "integrity" in done.stderr and "dispatch" in done.stderr


@pytest.mark.usefixtures("shared")  # the seed plans beside the repository; CI fails without
def test_the_plans_benchmark_prints_its_result_as_the_last_json_line() -> None:
    done = _run("plans")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert {p["file"] for p in result["plans"]} == {p.name for p in SEEDS.glob("*.txt")}
    assert all(0 <= p["scores"]["tasks"]["f1"] <= 1 for p in result["plans"])
