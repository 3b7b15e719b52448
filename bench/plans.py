"""Benchmark of the plan importer: time per seed plan and its scores against the gold files.

The scorer is the shared ``score_plan.py``, loaded by path at run time (never copied).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

from huanxin.supervision.planparse import parse_plan


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_plan", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_bench(
    seeds_dir: Path, gold_dir: Path, *, scorer_path: Path | None = None
) -> dict[str, object]:
    """{"plans": [{"file", "seconds", "scores"}]} for every seed plan that has a gold file."""
    scorer_file = scorer_path or seeds_dir.parent / "tools" / "score_plan.py"
    scorer = load_scorer(scorer_file)
    plans: list[dict[str, object]] = []
    for gold_file in sorted(gold_dir.glob("*.json")):
        source = next(iter(sorted(seeds_dir.glob(gold_file.stem + ".*"))), None)
        if source is None:
            continue
        started = time.perf_counter()
        predicted = parse_plan(source)
        seconds = round(time.perf_counter() - started, 4)
        gold = _read_json(gold_file)
        plans.append(
            {"file": source.name, "seconds": seconds, "scores": scorer.score(gold, predicted)}
        )
    return {"plans": plans}


def _read_json(path: Path) -> dict[str, object]:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
