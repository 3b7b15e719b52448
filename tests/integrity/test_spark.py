"""The detector SQL run on local Spark finds the same claims, with the same reasons, as DuckDB.

pyspark is the ``spark`` extra (``make test`` installs it) and needs Java 17. Outside CI a
missing one skips these tests with the reason; under CI=true they must run, so it fails.
All Spark tests share one local[2] session and run on one xdist worker (group "spark").
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from bench.integrity_synth import synthesize
from huanxin.integrity.detectors import Scope, default_detectors
from huanxin.integrity.scan import scan
from huanxin.integrity.spark import SPARK_DETECTORS, spark_template, to_spark

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (the spark extra: pip install -e '.[dev,spark]')"
    if shutil.which("java") is None:
        return "no java on PATH: Spark needs Java 17"
    return None


if (_reason := _missing()) is not None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(_reason + " (CI=true: Spark tests must run)", pytrace=False)
    pytest.skip(_reason, allow_module_level=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(4_000, 11, tmp_path_factory.mktemp("spark") / "claims.parquet")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from huanxin.integrity.spark import local_session

    session = local_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_dialect_rewrites() -> None:
    sql = (
        "SELECT arg_min(claim_id, (claimed_at, claim_id)), hash(a) FROM keys SEMI JOIN b USING (x)"
    )
    assert to_spark(sql) == (
        "SELECT min_by(claim_id, struct(claimed_at, claim_id)), xxhash64(a) "
        "FROM keys LEFT SEMI JOIN b USING (x)"
    )
    assert (
        to_spark("strftime(t.claimed_at, '%Y-%m-%d')") == "date_format(t.claimed_at, 'yyyy-MM-dd')"
    )
    assert spark_template("高 {4}%，共 {0} 笔") == "高 %5$s%%，共 %1$s 笔"


def by_province(sample: Path, folder: Path) -> Path:
    """The sample laid out as one Parquet folder per province (``province=14/…``), the way
    a national scan partitions its input."""
    import pyarrow.dataset as ds

    frame = pl.read_parquet(sample)
    frame = frame.with_columns(pl.col("jurisdiction_code").str.slice(0, 2).alias("province"))
    ds.write_dataset(
        frame.to_arrow(),
        folder,
        format="parquet",
        partitioning=["province"],
        partitioning_flavor="hive",
    )
    return folder


def test_spark_finds_what_duckdb_finds(sample: Path, spark: Any, tmp_path: Path) -> None:
    """Spark reads the province-partitioned layout; DuckDB the single file."""
    from huanxin.integrity.spark import run_detectors

    detectors = default_detectors()
    partitioned = by_province(sample, tmp_path / "by_province")
    assert len(list(partitioned.iterdir())) > 10
    on_spark = run_detectors(spark, partitioned, detectors)
    on_duckdb = scan(sample, rules=detectors).hits
    names = {cls.name for cls in SPARK_DETECTORS}
    for det in detectors:
        ours = on_duckdb.filter(pl.col("detector") == det.name).select("claim_id", "explanation")
        theirs = on_spark.filter(pl.col("detector") == det.name).select("claim_id", "explanation")
        if det.name in names:
            assert ours.height > 0, f"{det.name} finds nothing in the sample"
        assert set(theirs.iter_rows()) == set(ours.iter_rows()), det.name


def test_spark_judges_one_day_like_duckdb(sample: Path, spark: Any) -> None:
    from huanxin.integrity.spark import run_detectors

    last = pl.read_parquet(sample)["claimed_at"].max()
    scope = Scope(last.replace(hour=0, minute=0, second=0, microsecond=0))  # type: ignore[union-attr]
    detectors = [cls() for cls in SPARK_DETECTORS]
    on_spark = run_detectors(spark, sample, detectors, scope)
    on_duckdb = scan(sample, scope.since, rules=detectors).hits
    assert set(on_spark.select("detector", "claim_id").iter_rows()) == set(
        on_duckdb.select("detector", "claim_id").iter_rows()
    )


def test_splink_on_spark_links_what_it_links_on_duckdb(sample: Path, spark: Any) -> None:
    """Candidates by Spark SQL and Splink's Spark backend: the same variant-identity hits."""
    from huanxin.integrity.linkage import VariantIdentity
    from huanxin.integrity.spark import link_on_spark

    on_spark = link_on_spark(spark, sample)
    on_duckdb = scan(sample, rules=[VariantIdentity()]).hits
    assert on_duckdb.height > 0, "linkage finds nothing in the sample"
    cols = ("claim_id", "explanation")
    assert set(on_spark.select(cols).iter_rows()) == set(on_duckdb.select(cols).iter_rows())
