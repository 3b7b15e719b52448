"""``bench/claims.py``: ``--case``/``--database`` refuse unknown names, and the per-case
report carries the batch durations, the slowest batches and the database's CPU per sale."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.claims import Window, batch_report, run_bench
from huanxin.cli import app


def test_an_unknown_case_or_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nope"):
        run_bench(seconds=1, pg_url=None, sqlite_dir=tmp_path, cases=("nope",))
    with pytest.raises(ValueError, match="oracle"):
        run_bench(seconds=1, pg_url=None, sqlite_dir=tmp_path, databases=("oracle",))
    done = CliRunner().invoke(app, ["bench", "claims", "--case", "nope"])
    assert done.exit_code == 2
    assert "nope" in done.output


def test_the_report_shows_batch_durations_and_database_cpu() -> None:
    batches = [
        {"size": 10, "statements": 22, "ms": 40.0},
        {"size": 20, "statements": 22, "ms": 400.0},
        {"size": 10, "statements": 24, "ms": 60.0},
    ]
    report = batch_report(Window(cpu_s=0.08, batches=batches, db_cpu_s=0.02), sales=40)
    assert report["batch_ms"] == {"p50": 60.0, "p99": 400.0, "p100": 400.0}
    assert report["slowest_batches"][0] == batches[1]
    assert report["statements_per_redemption"] == 1.7
    assert report["cpu_ms_per_redemption"] == 2.0
    assert report["db_cpu_ms_per_redemption"] == 0.5
    assert "db_cpu_ms_per_redemption" not in batch_report(Window(batches=batches), sales=40)
