"""Risk scores: per claim (sum of detector points, capped at 100) and per merchant.

A claim's score is the sum of the ``score`` of every hit on it, capped at 100; its reasons are
the hits' Chinese explanations. A claim at or above the hold threshold is held out of
payment batches for review. A merchant's score adds, for each detector that fired on its
claims, the detector's points scaled by how many of its claims fired (full points from
``merchant_saturation`` claims or ``merchant_share`` of its claims on, whichever is more),
capped at 100: a few identity hits spread over a big store do not condemn the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from huanxin.integrity.detectors.base import HIT_SCHEMA

HOLD_THRESHOLD = 60


@dataclass(frozen=True)
class ScoringPolicy:
    """Thresholds of the scores; the defaults are the platform's."""

    hold_threshold: int = HOLD_THRESHOLD
    merchant_saturation: int = 5
    merchant_share: float = 0.02


def score_claims(hits: pl.DataFrame, policy: ScoringPolicy | None = None) -> pl.DataFrame:
    """One row per claim with hits: ``claim_id, score, hold, detectors, reasons``."""
    policy = policy or ScoringPolicy()
    if hits.is_empty():
        hits = pl.DataFrame(schema=HIT_SCHEMA)
    return (
        hits.group_by("claim_id")
        .agg(
            pl.col("score").sum().clip(upper_bound=100).cast(pl.Int32).alias("score"),
            pl.col("detector").alias("detectors"),
            pl.col("explanation").alias("reasons"),
        )
        .with_columns((pl.col("score") >= policy.hold_threshold).alias("hold"))
        .select("claim_id", "score", "hold", "detectors", "reasons")
        .sort(["score", "claim_id"], descending=[True, False])
    )


def score_merchants(
    hits: pl.DataFrame,
    claim_merchants: pl.DataFrame,
    policy: ScoringPolicy | None = None,
) -> pl.DataFrame:
    """One row per merchant with hits: ``merchant_id, claims, flagged, held, score, reasons``.

    ``claim_merchants`` maps every judged claim to its merchant (``claim_id, merchant_id``).
    """
    policy = policy or ScoringPolicy()
    totals = claim_merchants.group_by("merchant_id").agg(pl.len().alias("claims"))
    tagged = hits.join(claim_merchants, on="claim_id", how="inner")
    per_detector = tagged.group_by("merchant_id", "title").agg(
        pl.col("claim_id").n_unique().alias("n"), pl.col("score").max().alias("points")
    )
    per_detector = per_detector.join(totals, on="merchant_id").with_columns(
        pl.max_horizontal(
            pl.lit(float(policy.merchant_saturation)), pl.col("claims") * policy.merchant_share
        ).alias("full_at")
    )
    per_detector = per_detector.with_columns(
        (pl.col("points") * pl.min_horizontal(pl.col("n") / pl.col("full_at"), pl.lit(1.0)))
        .round(0)
        .cast(pl.Int32)
        .alias("part"),
        pl.format("{}：{} 笔", pl.col("title"), pl.col("n")).alias("reason"),
    )
    held = score_claims(hits, policy).filter(pl.col("hold")).join(claim_merchants, on="claim_id")
    return (
        per_detector.group_by("merchant_id")
        .agg(
            pl.col("part").sum().clip(upper_bound=100).cast(pl.Int32).alias("score"),
            pl.col("reason").sort().alias("reasons"),
        )
        .join(totals, on="merchant_id", how="left")
        .join(
            tagged.group_by("merchant_id").agg(pl.col("claim_id").n_unique().alias("flagged")),
            on="merchant_id",
        )
        .join(
            held.group_by("merchant_id").agg(pl.len().alias("held")), on="merchant_id", how="left"
        )
        .with_columns(pl.col("held").fill_null(0))
        .select("merchant_id", "claims", "flagged", "held", "score", "reasons")
        .sort(["score", "merchant_id"], descending=[True, False])
    )
