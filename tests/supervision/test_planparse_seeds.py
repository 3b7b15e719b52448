"""Scores on the three gold seeds, as read and after layout perturbations of their text."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
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


def wrap30(text: str, rng: random.Random) -> str:
    """Hard line breaks every 30 characters, headings included (tables kept as rows)."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if "\t" in line or not stripped:
            out.append(line)
            continue
        out += [stripped[i : i + 30] for i in range(0, len(stripped), 30)]
    return "\n".join(out)


def _paginate(text: str, rng: random.Random, page_lines: Callable[[int], list[str]]) -> str:
    lines = text.splitlines()
    step = rng.randint(15, 30)
    out = []
    for i, line in enumerate(lines, start=1):
        out.append(line)
        if i % step == 0:
            out += page_lines(i // step)
    return "\n".join(out)


def page_numbers(text: str, rng: random.Random) -> str:
    return _paginate(text, rng, lambda n: [f"— {n} —"])


def bare_page_numbers(text: str, rng: random.Random) -> str:
    return _paginate(text, rng, lambda n: [str(n)])


def running_header(text: str, rng: random.Random) -> str:
    """A PDF's footer page number followed by the next page's running header."""
    return _paginate(text, rng, lambda n: [f"- {n} -", "阳泉市人民政府办公室文件"])


def indent_crlf(text: str, rng: random.Random) -> str:
    lines = [("\u3000\u3000" + ln.strip()) if ln.strip() else ln for ln in text.splitlines()]
    return "\r\n".join(lines)


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
    "wrap30": [wrap30],
    "bare_page_numbers": [bare_page_numbers],
    "running_header": [wrap30, running_header],
    "indent_crlf": [indent_crlf],
}
# the layouts of the issue, all at once: 30-character hard breaks, "— 11 —" page numbers,
# half-width brackets, bold markers, tables flattened into lines
ISSUE_LAYOUTS: list[Perturb] = [add_bold, half_width, flatten_tables, wrap30, page_numbers]


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


@pytest.mark.parametrize("name", SEEDS)
def test_issue_layouts_pass_the_shared_scorer(shared_dir: Path, tmp_path: Path, name: str) -> None:
    """The perturbed text imported, written as JSON and scored by ``score_plan.py`` itself."""
    text = seed_text(shared_dir, name)
    for seed in range(2):
        rng = random.Random(seed)
        perturbed = text
        for perturb in ISSUE_LAYOUTS:
            perturbed = perturb(perturbed, rng)
        assert "— 1 —" in perturbed and "(" in perturbed and "**" in perturbed
        predicted = tmp_path / f"{name}-{seed}.json"
        plan = parse_plan_text(perturbed, source_name=f"{name}.txt")
        predicted.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        gold_file = shared_dir / "seeds" / "gold" / f"{name}.json"
        run = subprocess.run(
            [
                sys.executable,
                str(shared_dir / "tools" / "score_plan.py"),
                str(gold_file),
                str(predicted),
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        scores = json.loads(run.stdout)
        assert scores["tasks"]["f1"] >= 0.95, (seed, scores)
        assert scores["units"]["f1"] >= 0.95, (seed, scores)
        assert scores["targets"]["f1"] >= 0.90, (seed, scores)
