"""Engine units: version selection, stacking, exclusion, funding split, and properties."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.policy.engine import (
    ItemAttributes,
    compute_amount,
    jurisdiction_path,
    quote,
    select_version,
    split_amount,
)
from huanxin.policy.errors import InvalidQuoteRequest
from huanxin.policy.schema import AmountRule, Layer, Programme

PATH = ["140000", "140500", "140521"]


def make(pid: str, version: int = 1, **overrides: Any) -> Programme:
    data: dict[str, Any] = {
        "id": pid,
        "version": version,
        "title": f"测试{pid}",
        "published": "2025-01-01",
        "sources": [{"document": "测试", "confidence": "low"}],
        "jurisdiction": {"code": "140000", "level": "province", "name": "山西省"},
        "effective": {"start": "2025-01-01", "end": "2025-12-31"},
        "payment_mode": "point_of_sale",
        "categories": [{"code": "tv", "name": "电视"}],
        "amount": [{"label": "比例", "rate_bp": 1500, "cap_fen": 200000}],
        "funding": {"default": {"province": 10000}},
    }
    data.update(overrides)
    return Programme.model_validate(data)


def tv(price_fen: int, **kw: Any) -> ItemAttributes:
    return ItemAttributes(category="tv", price_fen=price_fen, **kw)


def test_select_version_prefers_highest_in_force_and_respects_as_of() -> None:
    v1 = make("p", 1)
    v2 = make("p", 2, published="2025-06-01", effective={"start": "2025-01-01"})
    assert select_version([v1, v2], date(2025, 3, 1)) == v2
    assert select_version([v1, v2], date(2025, 3, 1), as_of=date(2025, 5, 1)) == v1
    assert select_version([v1, v2], date(2026, 3, 1)) == v2
    assert select_version([v1], date(2024, 12, 31)) is None


def test_quote_records_version_and_parameters() -> None:
    result = quote([make("p")], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(100000))
    [applied] = result.applied
    assert (applied.programme_id, applied.version, applied.amount_fen) == ("p", 1, 15000)
    assert applied.trace["rule"] == {
        "label": "比例",
        "rate_bp": 1500,
        "cap_fen": 200000,
        "extra_rate_applied_bp": 0,
    }
    assert applied.trace["funding_bp"] == {"province": 10000}


def test_other_jurisdictions_are_ignored() -> None:
    shandong = make("sd", jurisdiction={"code": "370000", "level": "province", "name": "山东省"})
    result = quote([shandong], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(100000))
    assert result.applied == [] and result.not_applied == []


def test_top_up_dropped_when_base_does_not_apply() -> None:
    base = make("base", eligibility={"min_grade": 2})
    top = make("top", stacks_on=["base"], funding={"default": {"county": 10000}})
    ok = quote(
        [base, top], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(10000, grade=1)
    )
    assert [r.programme_id for r in ok.applied] == ["base", "top"]
    bad = quote(
        [base, top], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(10000, grade=4)
    )
    assert bad.applied == [] and bad.total_fen == 0
    reasons = {n.programme_id: n.reasons for n in bad.not_applied}
    assert reasons["top"] == ["叠加政策须同时符合基础政策：base"]


def test_exclusion_keeps_higher_amount_and_tie_keeps_smaller_id() -> None:
    a = make("a", amount=[{"label": "定额", "fixed_fen": 5000}], excludes=["b"])
    b = make("b", amount=[{"label": "定额", "fixed_fen": 7000}])
    result = quote([a, b], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(100000))
    assert [r.programme_id for r in result.applied] == ["b"]
    c = make("c", amount=[{"label": "定额", "fixed_fen": 7000}], excludes=["b"])
    tie = quote([b, c], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(100000))
    assert [r.programme_id for r in tie.applied] == ["b"]


def test_fixed_amount_never_exceeds_price() -> None:
    rule = AmountRule(label="定额", fixed_fen=50000)
    amount, lines = compute_amount(rule, tv(30000)) or (0, [])
    assert amount == 30000
    assert lines[0].endswith("超过售价，按售价300.00元补贴")


def test_price_outside_bands_is_not_applied() -> None:
    banded = make(
        "band",
        amount=[
            {
                "label": "档",
                "bands": [{"min_price_fen": 100000, "max_price_fen": 200000, "amount_fen": 8000}],
            }
        ],
    )
    result = quote([banded], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(50000))
    assert result.not_applied[0].reasons == ["售价500.00元不在任何补贴档位内"]


def test_overlapping_bands_refused() -> None:
    with pytest.raises(ValueError, match="bands"):
        AmountRule(
            label="x",
            bands=[
                {"min_price_fen": 0, "max_price_fen": 10, "amount_fen": 1},
                {"min_price_fen": 5, "amount_fen": 2},
            ],
        )


@pytest.mark.parametrize("code", ["14052", "1405211", "abcdef", "000000"])
def test_bad_jurisdiction_code(code: str) -> None:
    with pytest.raises(InvalidQuoteRequest):
        jurisdiction_path(code)


def test_from_inputs_rejects_bad_price() -> None:
    with pytest.raises(InvalidQuoteRequest):
        ItemAttributes.from_inputs({"category": "tv", "price": "12.345"})


splits = st.lists(st.integers(0, 10_000), min_size=4, max_size=4).filter(lambda xs: sum(xs) > 0)


@given(total=st.integers(0, 10**9), weights=splits)
def test_funding_parts_always_sum_to_total(total: int, weights: list[int]) -> None:
    scaled = [w * 10_000 // sum(weights) for w in weights]
    scaled[0] += 10_000 - sum(scaled)
    split = dict(zip(Layer, scaled, strict=True))
    parts = split_amount(total, split)
    assert sum(parts.values()) == total
    for layer, fen in parts.items():
        assert abs(fen * 10_000 - total * split[layer]) < 10_000 * 2


rates = st.integers(1, 10_000)
caps = st.integers(0, 10**7)
prices = st.integers(0, 10**9)


@given(price=prices, rate=rates, cap=caps)
def test_amount_never_exceeds_cap_nor_price(price: int, rate: int, cap: int) -> None:
    computed = compute_amount(AmountRule(label="r", rate_bp=rate, cap_fen=cap), tv(price))
    assert computed is not None
    assert 0 <= computed[0] <= min(cap, price)


@given(low=prices, high=prices, rate=rates, cap=caps)
def test_amount_monotone_in_price(low: int, high: int, rate: int, cap: int) -> None:
    low, high = sorted((low, high))
    rule = AmountRule(label="r", rate_bp=rate, cap_fen=cap)
    first, second = compute_amount(rule, tv(low)), compute_amount(rule, tv(high))
    assert first is not None and second is not None
    assert first[0] <= second[0]


@given(price=st.integers(0, 10**8), grade=st.sampled_from([None, 1, 2, 3]))
def test_quote_totals_are_consistent(price: int, grade: int | None) -> None:
    base = make(
        "base",
        amount=[
            {"label": "r", "rate_bp": 1500, "extra_rate_by_grade_bp": {1: 500}, "cap_fen": 200000}
        ],
        funding={"default": {"central": 9000, "province": 1000}},
    )
    top = make(
        "top",
        stacks_on=["base"],
        amount=[{"label": "t", "fixed_fen": 30000}],
        funding={"default": {"city": 3333, "county": 6667}},
    )
    result = quote(
        [base, top], jurisdiction_path=PATH, on_date=date(2025, 3, 1), item=tv(price, grade=grade)
    )
    assert result.total_fen == sum(r.amount_fen for r in result.applied)
    assert sum(result.funding_fen.values()) == result.total_fen
    assert all(sum(r.funding_fen.values()) == r.amount_fen for r in result.applied)
    assert result.total_fen <= price
