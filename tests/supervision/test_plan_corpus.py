"""The robustness corpus (tests/supervision/plan_corpus.py): every seed's task-division table
as a Word table, as a PDF table, as text copied out of that PDF and as a table flattened to
one cell per line — each imported and scored with the shared ``score_plan.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.supervision import plan_corpus as corpus
from tests.supervision.conftest import SEEDS, gold, seed_text

from huanxin.supervision.planparse import parse_plan, parse_plan_text

pytestmark = pytest.mark.xdist_group("plan_corpus")
LAYOUTS = list(corpus.LAYOUTS)
VARIANTS = [(layout, form) for layout in LAYOUTS for form in ("docx", "pdf", "pdf_text")]
VARIANTS.append(("units", "flat"))


@pytest.fixture(scope="module")
def built(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every seed × layout written as .docx, all converted to PDF in one LibreOffice run."""
    out = tmp_path_factory.mktemp("plan_corpus")
    cases: dict[str, Any] = {}
    for name in SEEDS:
        body, rows = corpus.body_and_rows(seed_text(shared_dir, name), gold(shared_dir, name))
        corpus.split_one_row(rows)
        for layout in LAYOUTS:
            path = out / f"{name}-{layout}.docx"
            corpus.write_docx(
                body, rows, path, grouped=layout == "grouped", sections=layout == "sections"
            )
            cases[f"{name}/{layout}"] = {
                "docx": path,
                "body": body,
                "rows": rows,
                "expected": corpus.expected(gold(shared_dir, name), rows),
            }
    pdfs = corpus.to_pdf([case["docx"] for case in cases.values()])
    for case, pdf in zip(cases.values(), pdfs, strict=True):
        case["pdf"] = pdf
    return cases


def _import(case: dict[str, Any], form: str, tmp_path: Path) -> dict[str, Any]:
    if form in {"docx", "pdf"}:
        return parse_plan(case[form])
    if form == "pdf_text":
        text = corpus.pdf_text(case["pdf"])
        assert "— 2 —" in text and corpus.HEADER_TEXT in text  # page furniture inside rows
    else:
        text = corpus.flat_text(case["body"], case["rows"])
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return parse_plan(path)


@pytest.mark.parametrize(("layout", "form"), VARIANTS)
@pytest.mark.parametrize("name", SEEDS)
def test_corpus_variant_scores(
    built: dict[str, Any], scorer: ModuleType, tmp_path: Path, name: str, layout: str, form: str
) -> None:
    case = built[f"{name}/{layout}"]
    plan = _import(case, form, tmp_path)
    result = scorer.score(case["expected"], plan)
    scores = {key: result[key]["f1"] for key in ("tasks", "units", "targets")}
    assert len(plan["appendix_tasks"]) == len(case["rows"]), scores
    assert scores["tasks"] >= 0.95, scores
    assert scores["units"] >= 0.95, scores
    assert scores["targets"] >= 0.90, scores


def test_pdf_text_scored_by_the_shared_script(
    built: dict[str, Any], shared_dir: Path, tmp_path: Path
) -> None:
    """The hardest form, written as JSON and scored by ``score_plan.py`` as a program."""
    case = built[f"{SEEDS[0]}/units"]
    plan = parse_plan_text(corpus.pdf_text(case["pdf"]), source_name="plan.txt")
    predicted, expected = tmp_path / "predicted.json", tmp_path / "expected.json"
    predicted.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    expected.write_text(json.dumps(case["expected"], ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "tools" / "score_plan.py"),
            str(expected),
            str(predicted),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    scores = json.loads(run.stdout)
    assert scores["tasks"]["f1"] >= 0.95 and scores["units"]["f1"] >= 0.95, scores
