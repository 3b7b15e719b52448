"""Fixtures for the plan importer tests: the shared seeds, gold files and scorer."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SEEDS = ["qinshui-county-2024-13", "yangquan-city-task-division-draft", "guanxian-county-2024-4"]


def _require_shared() -> Path:
    if not (SHARED / "seeds" / "gold").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared seeds missing at {SHARED} (required when CI=true)")
        pytest.skip(f"shared seeds not available at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require_shared()


@pytest.fixture(scope="session")
def scorer(shared_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "score_plan", shared_dir / "tools" / "score_plan.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_text(shared_dir: Path, name: str) -> str:
    return (shared_dir / "seeds" / f"{name}.txt").read_text(encoding="utf-8")


def gold(shared_dir: Path, name: str) -> dict[str, object]:
    data = json.loads((shared_dir / "seeds" / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
