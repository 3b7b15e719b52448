"""The daily scan against the stored index says exactly what a full scan says, rule by rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from bench.integrity_synth import START, synthesize
from huanxin.integrity.errors import IndexMissing
from huanxin.integrity.scan import ScanResult, all_rules, build_state, scan

pytestmark = pytest.mark.slow

# Synthetic files carry no delivery-address clusters and no filed prices: those two rules
# are proven on database claims (tests/integrity/test_database_scan.py).
PLATFORM_ONLY = {"bulk_delivery", "above_filed_price"}
RULES = [rule.name for rule in all_rules() if rule.name not in PLATFORM_ONLY]
CUT = datetime(START.year, START.month, START.day) + timedelta(days=60)


@dataclass
class Runs:
    full: ScanResult
    incremental: ScanResult
    state: Path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(20_000, 11, tmp_path_factory.mktemp("incremental") / "claims.parquet")


@pytest.fixture(scope="module")
def runs(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Index of the first 60 days stored; then every later claim judged against it."""
    state = tmp_path_factory.mktemp("state")
    build_state(synthetic, state, CUT)
    return Runs(full=scan(synthetic), incremental=scan(synthetic, CUT, state=state), state=state)


def verdicts(result: ScanResult, rule: str, ids: pl.Series) -> set[tuple[int, str]]:
    hits = result.hits.filter(
        (pl.col("detector") == rule) & pl.col("claim_id").is_in(ids.implode())
    )
    return set(hits.select("claim_id", "explanation").iter_rows())


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_says_the_same_from_the_stored_index(runs: Runs, rule: str) -> None:
    ids = runs.incremental.judged_ids
    expected = verdicts(runs.full, rule, ids)
    assert expected, f"{rule} finds nothing after the cut: the comparison would prove nothing"
    assert verdicts(runs.incremental, rule, ids) == expected


def test_only_claims_from_the_cut_on_are_judged(synthetic: Path, runs: Runs) -> None:
    later = pl.read_parquet(synthetic).filter(pl.col("claimed_at") >= CUT)["claim_id"]
    assert sorted(runs.incremental.judged_ids.to_list()) == sorted(later.to_list())


def test_night_after_night_and_a_rerun(synthetic: Path, tmp_path: Path) -> None:
    """Two nights in a row append to the index; re-running the second night changes nothing."""
    data = pl.read_parquet(synthetic)
    last = data["claimed_at"].max()
    assert isinstance(last, datetime)
    day2 = datetime(last.year, last.month, last.day)
    day1 = day2 - timedelta(days=1)
    until_day2 = tmp_path / "until-day2.parquet"
    data.filter(pl.col("claimed_at") < day2).write_parquet(until_day2)
    state = tmp_path / "state"
    build_state(synthetic, state, day1)

    night1 = scan(until_day2, day1, state=state)
    night2 = scan(synthetic, day2, state=state)
    again = scan(synthetic, day2, state=state)

    full1, full2 = scan(until_day2), scan(synthetic)
    for night, full in ((night1, full1), (night2, full2), (again, full2)):
        ids = night.judged_ids
        cols = ["detector", "claim_id", "explanation"]
        expected = full.hits.filter(pl.col("claim_id").is_in(ids.implode())).select(cols).sort(cols)
        assert night.hits.select(cols).sort(cols).equals(expected)
    assert night1.judged > 0 and night2.judged > 0
    assert night2.hits.height > 0


def test_a_daily_scan_without_an_index_is_refused(synthetic: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexMissing) as err:
        scan(synthetic, CUT, state=tmp_path / "empty")
    assert "全量扫描" in err.value.message


def _held_rows(state: Path) -> int:
    """How many ``keys`` rows the state folder holds: the base table plus the day files."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{state / 'index.duckdb'}' AS st (READ_ONLY)")
    files = sorted(str(p) for p in (state / "days").glob("*.parquet"))
    days = con.execute(f"SELECT count(*) FROM read_parquet({files})").fetchone() if files else (0,)
    base = con.execute("SELECT count(*) FROM st.keys").fetchone()
    con.close()
    assert base is not None and days is not None
    return int(base[0]) + int(days[0])


def test_a_skipped_night_is_folded_before_the_day(synthetic: Path, tmp_path: Path) -> None:
    """The claims between the stored index and the judged day are folded first (a gap file)."""
    data = pl.read_parquet(synthetic)
    last = data["claimed_at"].max()
    assert isinstance(last, datetime)
    day2 = datetime(last.year, last.month, last.day)
    state = tmp_path / "state"
    build_state(synthetic, state, day2 - timedelta(days=2))

    night = scan(synthetic, day2, state=state)
    again = scan(synthetic, day2, state=state)

    full = scan(synthetic)
    cols = ["detector", "claim_id", "explanation"]
    for result in (night, again):
        ids = result.judged_ids.implode()
        expected = full.hits.filter(pl.col("claim_id").is_in(ids)).select(cols).sort(cols)
        assert result.hits.select(cols).sort(cols).equals(expected)
    assert len(list((state / "days").glob("*.parquet"))) == 2  # the gap and the day
    assert _held_rows(state) == data.height  # the re-run replaced the day, nothing doubled


def test_the_stored_linkage_rows_are_read_by_claim_id(synthetic: Path, tmp_path: Path) -> None:
    from huanxin.integrity.state import LinkRows

    state = tmp_path / "state"
    build_state(synthetic, state, CUT)
    stored = pl.read_parquet(synthetic).filter(pl.col("claimed_at") < CUT)["claim_id"]
    wanted = [int(stored[5]), int(stored[-1]), int(stored[0]), int(stored[5])]
    rows = pl.from_arrow(LinkRows(state).rows([*wanted, -1, 10**12]))
    assert isinstance(rows, pl.DataFrame)
    assert sorted(rows["claim_id"].to_list()) == sorted(set(wanted))
    assert rows["consumer_name"].null_count() == 0
    assert LinkRows(state).rows([]).num_rows == 0


def test_a_state_folder_in_use_by_another_scan_is_refused(synthetic: Path, tmp_path: Path) -> None:
    """DuckDB's file lock keeps a second process out; the refusal names the folder's field."""
    import subprocess
    import sys

    from huanxin.integrity.errors import IndexBusy

    state = tmp_path / "state"
    build_state(synthetic, state, CUT)
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(  # another process attaches the state file and keeps it
        [sys.executable, "-c", hold, str(state / "index.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(IndexBusy) as err:
            scan(synthetic, CUT, state=state)
        assert err.value.field == "state" and "另一个扫描" in err.value.message
    finally:
        holder.communicate("")
    assert scan(synthetic, CUT, state=state).judged > 0  # free again once it has finished


def test_judging_a_day_the_base_already_holds_cuts_it_back(synthetic: Path, tmp_path: Path) -> None:
    """An index of all claims, then a daily scan from day 60: the base forgets day 60 on."""
    state = tmp_path / "state"
    build_state(synthetic, state)  # everything, so the judged days are in the base table
    daily = scan(synthetic, CUT, state=state)

    full = scan(synthetic)
    cols = ["detector", "claim_id", "explanation"]
    ids = daily.judged_ids.implode()
    expected = full.hits.filter(pl.col("claim_id").is_in(ids)).select(cols).sort(cols)
    assert daily.hits.select(cols).sort(cols).equals(expected)
    assert daily.hits.filter(pl.col("detector") == "variant_identity").height > 0
    assert _held_rows(state) == pl.read_parquet(synthetic).height


def test_what_a_stopped_scan_left_half_written_is_ignored(synthetic: Path, tmp_path: Path) -> None:
    """Files are written beside and renamed: a leftover ``.partial`` is never read."""
    state = tmp_path / "state"
    build_state(synthetic, state, CUT)
    first = scan(synthetic, CUT, state=state)
    (state / "days" / "20990101T000000000000.parquet.partial").write_bytes(b"PAR1 half")
    (state / "folded.txt.partial").write_text("2099-01")

    again = scan(synthetic, CUT, state=state)

    cols = ["detector", "claim_id", "explanation"]
    assert again.hits.select(cols).sort(cols).equals(first.hits.select(cols).sort(cols))
    assert _held_rows(state) == pl.read_parquet(synthetic).height
