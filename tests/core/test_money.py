"""Money is integer fen; the rounding rule is half-up to the fen."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.core import money


def test_doctests() -> None:
    assert doctest.testmod(money).failed == 0


@pytest.mark.parametrize(
    ("fen", "bp", "expected"),
    [(599900, 2000, 119980), (333333, 1500, 50000), (1, 5000, 1), (1, 4999, 0), (3, 5000, 2)],
)
def test_percent_of_rounds_half_up(fen: int, bp: int, expected: int) -> None:
    assert money.percent_of(fen, bp) == expected


@given(st.integers(0, 10**12), st.integers(0, 10_000))
def test_percent_of_within_half_fen(fen: int, bp: int) -> None:
    result = money.percent_of(fen, bp)
    assert abs(result * 10_000 - fen * bp) <= 5_000


@pytest.mark.parametrize("bad", ["abc", "1.234", "", "nan"])
def test_parse_yuan_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        money.parse_yuan(bad)


@given(st.integers(-(10**12), 10**12))
def test_yuan_round_trip(fen: int) -> None:
    assert money.parse_yuan(money.yuan(fen)) == fen
