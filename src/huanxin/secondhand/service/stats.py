"""Robust statistics over prices in integer fen: median, quartiles (linear interpolation between
order statistics, Hyndman-Fan type 7), median absolute deviation, and the confidence level.

All arithmetic is exact (fractions) and rounded half-up to the fen at the end.

>>> median_fen([100, 300, 200, 400])
250
>>> quartiles_fen([100, 200, 300, 400, 1000])
(200, 400)
>>> mad_fen([100, 200, 300, 400, 1000])
100
>>> confidence(25, mad=100, median=1000), confidence(12, mad=250, median=1000), confidence(4, mad=0, median=1)
('high', 'medium', 'none')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from huanxin.secondhand.vocab import CONFIDENCE_LABELS, CONFIDENCE_RULES, MIN_SAMPLE


def _half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def _quantile(ordered: list[int], q: Fraction) -> Fraction:
    position = (len(ordered) - 1) * q
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median_fen(values: list[int]) -> int:
    return _half_up(_quantile(sorted(values), Fraction(1, 2)))


def quartiles_fen(values: list[int]) -> tuple[int, int]:
    ordered = sorted(values)
    return _half_up(_quantile(ordered, Fraction(1, 4))), _half_up(
        _quantile(ordered, Fraction(3, 4))
    )


def mad_fen(values: list[int]) -> int:
    """Median absolute deviation from the (exact) median, unscaled."""
    centre = _quantile(sorted(values), Fraction(1, 2))
    deviations = sorted(abs(v - centre) for v in values)
    n = len(deviations)
    mid = deviations[n // 2] if n % 2 else (deviations[n // 2 - 1] + deviations[n // 2]) / 2
    return _half_up(Fraction(mid))


def confidence(n: int, *, mad: int, median: int) -> str:
    """high: n ≥ 20 and MAD ≤ 15 % of the median; medium: n ≥ 10 and ≤ 30 %; low: n ≥ 5."""
    if median <= 0:
        return "none"
    relative_bp = mad * 10_000 // median
    for level, min_n, max_bp in CONFIDENCE_RULES:
        if n >= min_n and relative_bp <= max_bp:
            return level
    return "none"


@dataclass(frozen=True)
class Cell:
    """Robust statistics of a list of prices; figures are None below the minimum sample."""

    n: int
    confidence: str
    confidence_label: str
    median_fen: int | None
    mad_fen: int | None
    q1_fen: int | None
    q3_fen: int | None


def summarise(values: list[int]) -> Cell:
    """The guide cell for a list of prices (nothing but ``n`` below the minimum sample)."""
    n = len(values)
    if n < MIN_SAMPLE:
        return Cell(n, "none", CONFIDENCE_LABELS["none"], None, None, None, None)
    median, mad = median_fen(values), mad_fen(values)
    q1, q3 = quartiles_fen(values)
    level = confidence(n, mad=mad, median=median)
    return Cell(n, level, CONFIDENCE_LABELS[level], median, mad, q1, q3)


def downgrade(level: str) -> str:
    return {"high": "medium", "medium": "low"}.get(level, level)
