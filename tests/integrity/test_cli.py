"""The integrity CLI: synth writes a labelled file, scan --json reports precision and recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huanxin.integrity.cli import integrity_app
from huanxin.integrity.schema import FRAUD_KINDS

pytestmark = pytest.mark.slow


def test_synth_then_scan_json(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "c.parquet"
    made = runner.invoke(
        integrity_app, ["synth", "--claims", "5000", "--seed", "3", "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    assert "已生成 5000 笔申领" in made.output
    scanned = runner.invoke(integrity_app, ["scan", "--input", str(out), "--json"])
    assert scanned.exit_code == 0, scanned.output
    summary = json.loads(scanned.output.strip().splitlines()[-1])
    assert summary["claims"] == 5000
    assert set(summary["by_kind"]) == set(FRAUD_KINDS)
    assert summary["scan_s"] > 0
    assert summary["held"] <= summary["hits"]


def test_scan_text_output_in_chinese(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "c.parquet"
    runner.invoke(integrity_app, ["synth", "--claims", "3000", "--seed", "4", "--out", str(out)])
    scanned = runner.invoke(integrity_app, ["scan", "--input", str(out)])
    assert scanned.exit_code == 0, scanned.output
    assert "判定 3000 笔申领" in scanned.output
    assert "精确率" in scanned.output


def test_synth_rejects_too_few_claims(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        integrity_app, ["synth", "--claims", "10", "--out", str(tmp_path / "x.parquet")]
    )
    assert result.exit_code != 0


def test_scan_with_an_index_folder_then_one_day(tmp_path: Path) -> None:
    runner = CliRunner()
    out, state = tmp_path / "c.parquet", tmp_path / "index"
    runner.invoke(integrity_app, ["synth", "--claims", "3000", "--seed", "6", "--out", str(out)])
    refused = runner.invoke(
        integrity_app,
        ["scan", "--input", str(out), "--since", "2025-06-29", "--state", str(state), "--json"],
    )
    assert refused.exit_code == 1
    assert "全量扫描" in refused.output
    full = runner.invoke(integrity_app, ["scan", "--input", str(out), "--state", str(state)])
    assert full.exit_code == 0, full.output
    assert (state / "index.duckdb").exists()
    day = runner.invoke(
        integrity_app,
        ["scan", "--input", str(out), "--since", "2025-06-29", "--state", str(state), "--json"],
    )
    assert day.exit_code == 0, day.output
    summary = json.loads(day.output.strip().splitlines()[-1])
    assert 0 < summary["claims"] < 3000
    assert "duplicate_identifier" in summary["by_rule_s"]
