"""The same detector SQL on Spark: the path to national volumes, proven on a local sample.

Nothing here is a second copy of a rule. :func:`to_spark` rewrites the DuckDB SQL that the
index (:mod:`huanxin.integrity.keys`) and the detectors produce into Spark SQL with a short
list of dialect substitutions, and :func:`run_detectors` runs it with ``spark.sql`` over
the same Parquet file: ``claims`` is a temp view of the file, ``keys`` the cached index,
``target_keys`` and ``target_claims`` the judged claims. Spark's ``xxhash64`` stands in for
DuckDB's ``hash``: the values differ, the grouping they give does not.

pyspark is an optional extra (``pip install 'huanxin[spark]'``, Java 17); the platform
never imports this module at run time. docs/scaling-integrity.md says how the rest maps.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from huanxin.integrity.detectors import (
    DuplicateIdentifier,
    PriceInflation,
    Scope,
    SharedBankAccount,
    SharedDevice,
)
from huanxin.integrity.detectors.base import HIT_SCHEMA, Detector
from huanxin.integrity.keys import (
    CATEGORY_STATS,
    LINK_TEXT_FROM_KEYS,
    category_stats_sql,
    keys_sql,
    repeated_sql,
)
from huanxin.integrity.linkage import VariantIdentity
from huanxin.integrity.scan import repeats_of
from huanxin.integrity.schema import COLUMN_NAMES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]

SPARK_DETECTORS: tuple[type[Detector], ...] = (
    DuplicateIdentifier,
    SharedBankAccount,
    SharedDevice,
    PriceInflation,
)
"""The detectors the Spark proof runs by default: identifiers, quota trading, prices.

Every other SQL detector of :func:`huanxin.integrity.detectors.default_detectors` passes
through :func:`to_spark` too (tests/integrity/test_spark.py runs them all)."""

_STRFTIME = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm"}
_SIMPLE_ARG = r"(CAST\([^()]*\)|DATE '[^']*'|[\w.]+)"
_REWRITES: tuple[tuple[str, str], ...] = (
    (r"\bhash\(", "xxhash64("),
    (r"AS MATERIALIZED \(", "AS ("),
    (r"(?<!LEFT )\bSEMI JOIN\b", "LEFT SEMI JOIN"),
    (r"\barg_min\(([\w.]+), \(([^()]*)\)\)", r"min_by(\1, struct(\2))"),
    (rf"\bdate_diff\('day', {_SIMPLE_ARG}, {_SIMPLE_ARG}\)", r"datediff(\2, \1)"),
    (r"\bprintf\(", "format_string("),
    (r" // ", " div "),
    (r"AS VARCHAR\)", "AS STRING)"),
    (r"AS BLOB\)", "AS BINARY)"),
    (r"\bformat\(\$template,", "format_string(:template,"),
)


def to_spark(sql: str) -> str:
    """DuckDB SQL of the index or a detector as Spark SQL."""
    for pattern, replacement in _REWRITES:
        sql = re.sub(pattern, replacement, sql)
    return re.sub(r"\bstrftime\(([^,]+), '([^']*)'\)", _date_format, sql)


def _date_format(match: re.Match[str]) -> str:
    pattern = match.group(2)
    for code, java in _STRFTIME.items():
        pattern = pattern.replace(code, java)
    return f"date_format({match.group(1)}, '{pattern}')"


def spark_template(template: str) -> str:
    """A detector's ``{0}``-style explanation template as a Java format string."""
    escaped = template.replace("%", "%%")
    return re.sub(r"\{(\d+)\}", lambda m: f"%{int(m.group(1)) + 1}$s", escaped)


def local_session(cores: int = 2) -> SparkSession:
    """A local Spark session sized for this machine (no UI, few shuffle partitions)."""
    from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("huanxin-integrity")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def register(
    spark: SparkSession, path: Path | str, scope: Scope, detectors: Sequence[object]
) -> None:
    """``claims``, the cached index ``keys``, the judged ``target_keys``/``target_claims``,
    ``link_text``, the category counts and the ``repeated_<column>`` views ``detectors`` read."""
    spark.read.parquet(str(path)).select(*COLUMN_NAMES).createOrReplaceTempView("claims")
    keys = spark.sql(to_spark(keys_sql("claims"))).cache()
    keys.createOrReplaceTempView("keys")
    after = scope.after(0)
    spark.sql(f"SELECT * FROM keys WHERE {after}").createOrReplaceTempView("target_keys")  # noqa: S608
    spark.sql(f"SELECT * FROM claims WHERE {after}").createOrReplaceTempView("target_claims")  # noqa: S608
    spark.sql(LINK_TEXT_FROM_KEYS).createOrReplaceTempView("link_text")
    for name in CATEGORY_STATS:
        spark.sql(to_spark(category_stats_sql(name, ["keys"]))).createOrReplaceTempView(name)
    for column, at_least in repeats_of(detectors).items():
        view = spark.sql(to_spark(repeated_sql(column, at_least, scope)))
        view.createOrReplaceTempView(f"repeated_{column}")


def run_detectors(
    spark: SparkSession,
    path: Path | str,
    detectors: Sequence[Detector] | None = None,
    scope: Scope | None = None,
) -> pl.DataFrame:
    """Hits ``detector, claim_id, explanation`` of ``detectors`` run as Spark SQL over ``path``."""
    scope = scope or Scope()
    chosen = list(detectors) if detectors is not None else [cls() for cls in SPARK_DETECTORS]
    register(spark, path, scope, chosen)
    frames = []
    for det in chosen:
        sql = to_spark(det.sql(scope))
        rows = spark.sql(sql, args={"template": spark_template(det.template)}).collect()
        frames.append(
            pl.DataFrame(
                {
                    "detector": [det.name] * len(rows),
                    "claim_id": [int(r["claim_id"]) for r in rows],
                    "explanation": [str(r["explanation"]) for r in rows],
                },
                schema={"detector": pl.Utf8, "claim_id": pl.Int64, "explanation": pl.Utf8},
            )
        )
    return pl.concat(frames)


def _collect(frame: Any) -> pl.DataFrame:
    """A (small) Spark DataFrame as polars, row by row (pandas is not a dependency)."""
    rows = [row.asDict() for row in frame.collect()]
    return pl.DataFrame(rows) if rows else pl.DataFrame(schema=list(frame.columns))


def link_on_spark(
    spark: SparkSession,
    path: Path | str,
    scope: Scope | None = None,
    rule: VariantIdentity | None = None,
) -> pl.DataFrame:
    """Variant-identity hits with Spark doing both steps: the candidates are the rule's own
    SQL through Spark SQL, and Splink scores them on its Spark backend with the rule's
    settings. The pairs then become hits exactly as on DuckDB (``VariantIdentity.hits``)."""
    from splink import Linker, SparkAPI

    scope, rule = scope or Scope(), rule or VariantIdentity()
    register(spark, path, scope, [rule])
    candidates = spark.sql(to_spark(rule.candidates_sql(scope))).persist()
    # the comparisons use Spark's built-in functions; Splink's UDF jar is not needed
    api = SparkAPI(
        spark_session=spark,
        register_udfs_automatically=False,  # type: ignore[no-untyped-call]
        break_lineage_method="persist",
    )
    linker = Linker(api.register(candidates), rule.settings(), log_level=logging.WARNING)
    out = linker.inference.predict(threshold_match_probability=rule.match_probability)
    pairs = _collect(
        out.as_spark_dataframe().select("claim_id_l", "claim_id_r", "match_probability")
    )
    cands = _collect(candidates)
    if pairs.is_empty() or cands.height < 2:
        return pl.DataFrame(schema=HIT_SCHEMA)
    return rule.hits(cands, pairs)
