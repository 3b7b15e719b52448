"""Scores on the three gold seeds, as read and after layout perturbations of their text."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from tests.supervision.conftest import SEEDS, gold, seed_text

from huanxin.supervision.planparse import parse_plan, parse_plan_text


def rewrap(text: str, rng: random.Random) -> str:
    """PDF-like: every paragraph cut into lines of 22–40 chars, blank lines gone."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if "\t" in line:
            out.append(line)
            continue
        width = rng.randint(22, 40)
        out += [stripped[i : i + width] for i in range(0, len(stripped), width)]
    return "\n".join(out)


def page_numbers(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    step = rng.randint(15, 30)
    out = []
    for i, line in enumerate(lines, start=1):
        out.append(line)
        if i % step == 0:
            out.append(f"— {i // step} —")
    return "\n".join(out)


def half_width(text: str, rng: random.Random) -> str:
    return text.translate(str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"}))


def strip_bold(text: str, rng: random.Random) -> str:
    return text.replace("**", "")


def add_bold(text: str, rng: random.Random) -> str:
    heading = r"^((?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)[^。\n]{2,30}。)"
    return re.sub(heading, r"**\1**", strip_bold(text, rng), flags=re.MULTILINE)


def flatten_tables(text: str, rng: random.Random) -> str:
    return text.replace("\t", "\n")


Perturb = Callable[[str, random.Random], str]
VARIANTS: dict[str, list[Perturb]] = {
    "rewrap": [rewrap],
    "page_numbers": [page_numbers],
    "half_width": [half_width],
    "bold": [add_bold],
    "no_bold": [strip_bold],
    "flat_tables": [flatten_tables],
    "everything": [add_bold, half_width, flatten_tables, rewrap, page_numbers],
}


def _scores(scorer: ModuleType, expected: dict[str, object], text: str) -> dict[str, float]:
    result = scorer.score(expected, parse_plan_text(text, source_name="seed.txt"))
    return {key: result[key]["f1"] for key in ("tasks", "units", "targets")}


@pytest.mark.parametrize("name", SEEDS)
def test_seed_scores_meet_targets(shared_dir: Path, scorer: ModuleType, name: str) -> None:
    result = scorer.score(gold(shared_dir, name), parse_plan(shared_dir / "seeds" / f"{name}.txt"))
    assert result["tasks"]["f1"] >= 0.95
    assert result["units"]["f1"] >= 0.95
    assert result["targets"]["f1"] >= 0.90
    assert result["document"] == 1.0


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", SEEDS)
def test_perturbed_seed_scores_hold(
    shared_dir: Path, scorer: ModuleType, name: str, variant: str
) -> None:
    text = seed_text(shared_dir, name)
    for seed in range(2):
        rng = random.Random(seed)
        perturbed = text
        for perturb in VARIANTS[variant]:
            perturbed = perturb(perturbed, rng)
        scores = _scores(scorer, gold(shared_dir, name), perturbed)
        assert scores["tasks"] >= 0.95, (variant, seed, scores)
        assert scores["units"] >= 0.95, (variant, seed, scores)
        assert scores["targets"] >= 0.90, (variant, seed, scores)


@pytest.mark.parametrize("name", SEEDS)
def test_quotes_are_exact_substrings_of_the_source(shared_dir: Path, name: str) -> None:
    raw = seed_text(shared_dir, name)
    plan = parse_plan_text(raw, source_name=name)
    quotes = [item["quote"] for key in ("tasks", "targets", "milestones") for item in plan[key]]
    assert quotes
    assert all(isinstance(q, str) and q in raw and len(q) <= 60 for q in quotes)


def test_scorer_tolerates_the_unplaced_key(shared_dir: Path, scorer: ModuleType) -> None:
    name = SEEDS[1]
    plan = parse_plan_text(seed_text(shared_dir, name), source_name=name)
    reasons = {entry["reason"] for entry in plan["unplaced"]}
    assert "appendix_text_not_in_a_table" in reasons
    assert "section_without_units_not_a_task" in reasons
    assert scorer.score(gold(shared_dir, name), plan)["tasks"]["f1"] == 1.0
