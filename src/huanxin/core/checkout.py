"""The source checkout around the installed package: the benchmarks and synthetic-data
generators live in its top-level ``bench/`` package, beside ``src/``, and are not shipped."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]


def has_bench() -> bool:
    return (ROOT / "bench" / "__init__.py").is_file()


def bench_module(name: str) -> ModuleType:
    """``bench.<name>`` from the checkout; ``LookupError`` where there is no checkout."""
    if not has_bench():
        raise LookupError(f"bench.{name} lives in the source checkout, not in the package")
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    return importlib.import_module(f"bench.{name}")
