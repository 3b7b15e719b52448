"""Pure (no database) benchmark of the equipment ledger: write, parse and classify N rows.

Owns ``run_pure_bench``: it writes a synthetic ledger (.xlsx through openpyxl's write-only mode,
and the same rows as .csv) in the template layout, parses the .xlsx all-or-nothing, classifies
every row and reports timings. ``seconds`` is the wall time of parse (.xlsx) + classify, the part
of the issue's import target (≤ 30 s for 50 000 rows) that does not touch the database;
``cpu_seconds`` is the process CPU time of the same span (stable when the machine is shared).

Run: ``python -m bench.equipment_pure [rows] [seed]``; prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from huanxin.equipment.classify import classify
from huanxin.equipment.demo_ledger import YEAR, synthetic_rows, write_ledger
from huanxin.equipment.ledger_io import parse_ledger
from huanxin.equipment.reference import load_rules


def run_pure_bench(rows: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Write, parse and classify ``rows`` synthetic rows; return counts and timings."""
    load_rules()
    started = time.perf_counter()
    xlsx, text = write_ledger(synthetic_rows(rows, seed), workdir)
    write_s = time.perf_counter() - started
    t0, cpu0 = time.perf_counter(), time.process_time()
    parsed = parse_ledger(xlsx, year=YEAR)
    t1 = time.perf_counter()
    results = [classify(r, year=YEAR) for r in parsed.rows]
    t2, cpu2 = time.perf_counter(), time.process_time()
    parsed_csv = parse_ledger(text, year=YEAR)
    t3 = time.perf_counter()
    flags = Counter(f.kind for c in results for f in c.flags)
    return {
        "rows": len(parsed.rows),
        "seconds": round(t2 - t0, 3),
        "cpu_seconds": round(cpu2 - cpu0, 3),
        "parse_xlsx_seconds": round(t1 - t0, 3),
        "classify_seconds": round(t2 - t1, 3),
        "parse_csv_seconds": round(t3 - t2, 3),
        "write_seconds": round(write_s, 3),
        "errors": len(parsed.errors) + len(parsed_csv.errors),
        "csv_rows": len(parsed_csv.rows),
        "flags": dict(sorted(flags.items())),
        "not_assessed": sum(1 for c in results if not c.assessed),
    }


def main(argv: list[str]) -> None:
    rows = int(argv[1]) if len(argv) > 1 else 50_000
    seed = int(argv[2]) if len(argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        result = run_pure_bench(rows, seed, Path(tmp))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
