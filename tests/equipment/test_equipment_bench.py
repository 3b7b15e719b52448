"""The pure benchmark runs end to end on a small ledger (no timing assertions)."""

from __future__ import annotations

from pathlib import Path

from bench.equipment_pure import run_pure_bench


def test_small_bench_parses_everything(tmp_path: Path) -> None:
    result = run_pure_bench(300, 7, tmp_path)
    assert result["rows"] == 300
    assert result["csv_rows"] == 300
    assert result["errors"] == 0
    assert set(result["flags"]) <= {"elimination", "renewal_candidate", "safety_assessment"}
    assert (tmp_path / "ledger.xlsx").is_file() and (tmp_path / "ledger.csv").is_file()
    assert isinstance(result["seconds"], float)
