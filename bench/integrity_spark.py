"""``huanxin bench spark --json``: the detectors on local Spark over a synthetic national
claim set laid out one Parquet folder per province, timed, beside DuckDB on the same data.

The set is the integrity benchmark's synthetic file (``bench.dataset``), rewritten as a
hive-partitioned folder (``province=14/…``). Spark (``local[cores]``) runs every detector
that has a Spark form, collecting the hits; DuckDB scans the single file with the same
rules. Both hit sets are compared.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl

from bench.integrity import dataset


def by_province(path: Path, folder: Path) -> Path:
    """``path`` rewritten as one Parquet folder per province (first two code digits)."""
    import pyarrow.dataset as ds

    shutil.rmtree(folder, ignore_errors=True)
    frame = pl.read_parquet(path).with_columns(
        pl.col("jurisdiction_code").str.slice(0, 2).alias("province")
    )
    ds.write_dataset(
        frame.to_arrow(),
        folder,
        format="parquet",
        partitioning=["province"],
        partitioning_flavor="hive",
    )
    return folder


def run_bench(claims: int, seed: int, workdir: Path, cores: int = 2) -> dict[str, Any]:
    from huanxin.integrity.scan import scan
    from huanxin.integrity.spark import SPARK_DETECTORS, local_session, run_detectors

    load_before = os.getloadavg()
    path, generate_s = dataset(claims, seed, workdir)
    start = time.perf_counter()
    folder = by_province(path, workdir / f"by-province-{claims}-{seed}")
    partition_s = time.perf_counter() - start
    detectors = [cls() for cls in SPARK_DETECTORS]
    start = time.perf_counter()
    spark = local_session(cores)
    spark.sparkContext.setLogLevel("ERROR")
    session_s = time.perf_counter() - start
    try:
        start = time.perf_counter()
        on_spark = run_detectors(spark, folder, detectors)
        spark_s = time.perf_counter() - start
    finally:
        spark.stop()
    on_duckdb = scan(path, rules=detectors)
    key = ["detector", "claim_id"]
    same = set(on_spark.select(key).iter_rows()) == set(on_duckdb.hits.select(key).iter_rows())
    return {
        "claims": claims,
        "provinces": len(list(folder.iterdir())),
        "cores": cores,
        "detectors": [d.name for d in detectors],
        "spark_s": round(spark_s, 1),
        "spark_session_s": round(session_s, 1),
        "duckdb_s": round(on_duckdb.elapsed_s, 1),
        "hits": on_spark.height,
        "same_hits_as_duckdb": same,
        "generate_s": generate_s,
        "partition_s": round(partition_s, 1),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
