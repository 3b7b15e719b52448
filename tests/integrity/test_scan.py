"""Synthetic data end to end: every planted kind is found with precision and recall >= 0.9."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from bench.integrity_synth import synthesize
from huanxin.integrity.scan import ScanResult, evaluate, open_claims, read_labels, scan
from huanxin.integrity.schema import CLAIM_COLUMNS, FRAUD_KINDS, LABEL_COLUMN
from huanxin.integrity.scoring import ScoringPolicy, score_claims

from .conftest import claim, frame

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(20_000, 11, tmp_path_factory.mktemp("integrity") / "claims.parquet")


@pytest.fixture(scope="module")
def full(synthetic: Path) -> ScanResult:
    return scan(synthetic)


def test_synthetic_file_has_the_canonical_columns_and_every_kind(synthetic: Path) -> None:
    data = pl.read_parquet(synthetic)
    assert data.columns == [*CLAIM_COLUMNS, LABEL_COLUMN]
    assert data.height == 20_000
    assert data["claim_id"].to_list() == list(range(1, 20_001))
    assert set(data[LABEL_COLUMN].drop_nulls().unique()) == set(FRAUD_KINDS)
    assert data["price_fen"].dtype == pl.Int64
    assert (data["subsidy_fen"] <= data["cap_fen"]).all()
    assert data["jurisdiction_code"].str.len_chars().unique().to_list() == [6]


def test_synthesis_is_deterministic_per_seed(synthetic: Path, tmp_path: Path) -> None:
    again = synthesize(20_000, 11, tmp_path / "again.parquet")
    assert pl.read_parquet(again).equals(pl.read_parquet(synthetic))


def test_full_scan_finds_every_kind(synthetic: Path, full: ScanResult) -> None:
    report = evaluate(full.hits, read_labels(synthetic))
    assert set(report) == set(FRAUD_KINDS)
    weak = {k: v for k, v in report.items() if v["precision"] < 0.9 or v["recall"] < 0.9}
    assert weak == {}
    assert full.judged == 20_000


def test_held_claims_are_those_at_or_above_threshold(full: ScanResult) -> None:
    held = full.held
    assert held.height > 0
    assert held["score"].min() >= 60  # type: ignore[operator]
    assert full.claims.filter(~pl.col("hold"))["score"].max() < 60  # type: ignore[operator]
    top = full.merchants.row(0, named=True)
    assert top["score"] == full.merchants["score"].max()
    assert top["flagged"] <= top["claims"]


def test_incremental_scan_judges_only_the_day_and_agrees_with_full(
    synthetic: Path, full: ScanResult
) -> None:
    since = datetime(2025, 6, 29)
    day = scan(synthetic, since)
    day_ids = set(
        pl.read_parquet(synthetic).filter(pl.col("claimed_at") >= since)["claim_id"].to_list()
    )
    assert day.judged == len(day_ids)
    assert set(day.hits["claim_id"].to_list()) <= day_ids
    full_day = full.hits.filter(pl.col("claim_id").is_in(list(day_ids)))
    pairs = {(d, c) for d, c in day.hits.select("detector", "claim_id").iter_rows()}
    assert pairs == {(d, c) for d, c in full_day.select("detector", "claim_id").iter_rows()}


def test_same_scan_over_a_database_table(synthetic: Path) -> None:
    con = duckdb.connect()
    source = open_claims(synthetic)
    table = source.sql(
        "SELECT * FROM claims WHERE claimed_at >= TIMESTAMP '2025-06-01'"
    ).to_arrow_table()
    con.register("arrow_claims", table)
    con.execute("CREATE TABLE claims_table AS SELECT * FROM arrow_claims")
    con.execute("CREATE VIEW claims AS SELECT * FROM claims_table")
    result = scan(con)
    assert result.judged == table.num_rows
    assert result.hits.height > 0


def test_evaluate_counts_per_kind() -> None:
    hits = pl.DataFrame(
        {"kind": ["cap_share", "cap_share", "merchant_spike"], "claim_id": [1, 2, 3]}
    )
    labels = pl.DataFrame(
        {"claim_id": [1, 3, 4], LABEL_COLUMN: ["cap_share", "cap_share", "merchant_spike"]}
    )
    report = evaluate(hits, labels)
    assert report["cap_share"] == {
        "precision": 0.5,
        "recall": 0.5,
        "flagged": 2,
        "labelled": 2,
        "true_positive": 1,
    }
    assert report["merchant_spike"]["precision"] == 0.0
    assert report["merchant_spike"]["recall"] == 0.0
    assert report["implausible_weight"] == {
        "precision": 1.0,
        "recall": 1.0,
        "flagged": 0,
        "labelled": 0,
        "true_positive": 0,
    }


def test_score_caps_at_100_and_holds_from_threshold() -> None:
    hits = pl.DataFrame(
        {
            "detector": ["a", "b", "c"],
            "kind": ["x", "y", "z"],
            "title": ["甲", "乙", "丙"],
            "claim_id": [1, 1, 2],
            "score": [70, 50, 59],
            "explanation": ["r1", "r2", "r3"],
        },
        schema_overrides={"score": pl.Int32},
    )
    scores = score_claims(hits, ScoringPolicy(hold_threshold=60))
    assert scores.select("claim_id", "score", "hold").rows() == [(1, 100, True), (2, 59, False)]
    assert scores.row(0, named=True)["reasons"] == ["r1", "r2"]


def test_hand_built_frame_matches_the_schema() -> None:
    assert frame([claim(1)]).columns == list(CLAIM_COLUMNS)
