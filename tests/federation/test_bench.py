"""The federation benchmark's plan and tally (the run itself is ``huanxin bench federation``):
every planted pair is two sales of one key in two provinces, and a pair counts as paid
only when both its claims went into payment batches."""

from __future__ import annotations

from bench.federation import Sale, plan, tally


def test_every_planted_pair_is_one_key_sold_in_two_provinces() -> None:
    made = plan(provinces=3, per_province=50, duplicates=10)
    pairs: dict[int, list[Sale]] = {}
    for sale in made.sales:
        if sale.pair is not None:
            pairs.setdefault(sale.pair, []).append(sale)
    assert len(pairs) == 10 and all(len(p) == 2 for p in pairs.values())
    for k, (first, second) in pairs.items():
        assert first.province != second.province
        assert made.sales.index(first) < made.sales.index(second)
        if k % 2 == 0:
            assert first.serial == second.serial and first.person != second.person
        else:
            assert first.person == second.person and first.category == second.category
        assert second.person in made.people[second.province]


def test_a_pair_is_refused_held_or_paid() -> None:
    refused = [
        Sale(0, 1, "tv", "A", pair=0, status=201, claim_id=1),
        Sale(1, 2, "tv", "A", pair=0, status=409, code="national_key_held"),
    ]
    held = [
        Sale(0, 3, "tv", "B", pair=1, status=201, claim_id=2),
        Sale(1, 4, "tv", "B", pair=1, status=201, claim_id=7),
    ]
    paid = [
        Sale(0, 5, "tv", "C", pair=2, status=201, claim_id=3),
        Sale(1, 6, "tv", "C", pair=2, status=201, claim_id=8),
    ]
    batched = [{1, 2, 3}, {8}]  # claim 7 (the held duplicate) was never batched
    assert tally([*refused, *held, *paid], batched, 3) == {
        "duplicates_planted": 3,
        "duplicates_refused": 1,
        "duplicates_held": 1,
        "duplicates_paid": 1,
    }
