"""Database benchmark of the equipment ledger: import AND store AND classify N rows through
the service (``ledger.import_ledger``) into a database, SQLite by default.

``seconds`` is the wall time of one unit of work: parse the .xlsx, classify every row,
estimate savings, bulk-insert rows and flags, audit, commit. Writing the synthetic file
and migrating the scratch database are outside it.

Run: ``python -m bench.equipment [rows] [seed]``; prints one JSON line.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from huanxin.core import jurisdictions, orgs, users
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.db import Database
from huanxin.demo import PLACES
from huanxin.equipment.demo_ledger import YEAR, sample_uscc, synthetic_rows, write_ledger
from huanxin.equipment.models import EquipmentFlag
from huanxin.equipment.service import enterprises, ledger
from huanxin.migrate import upgrade


def _setup(db: Database, tag: str) -> tuple[Actor, int]:
    with db.unit_of_work() as session:
        for code, name, level, parent in PLACES[:3]:
            jurisdictions.ensure(
                session, SYSTEM, code=code, name=name, level=level, parent_code=parent
            )
        org = orgs.ensure(
            session, SYSTEM, kind="department", name=f"基准测试部门{tag}", jurisdiction_code=code
        )
        user = users.create(
            session,
            SYSTEM,
            users.NewUser(
                username=f"bench.{tag}",
                display_name="基准测试",
                password="Bench@Pass2026x",
                role="office",
                jurisdiction_code=code,
                org_id=None,
            ),
        )
        actor = Actor(
            user_id=user.id,
            username=user.username,
            display_name="基准测试",
            role="office",
            jurisdiction_code=code,
            org_id=org.id,
            scope_codes=frozenset({code}),
            via="token",
        )
        ent = enterprises.register(
            session,
            actor,
            name=f"基准测试企业{tag}",
            sector="industry",
            uscc=sample_uscc(random.Random(tag)),
            industry_code="C34",
            above_size=True,
            jurisdiction_code=code,
        )
        return actor, ent.id


def run_bench(
    rows: int, seed: int, workdir: Path, database_url: str | None = None
) -> dict[str, Any]:
    """Import ``rows`` synthetic rows into a fresh enterprise; return counts and timings."""
    url = database_url or f"sqlite:///{workdir / 'equipment-bench.db'}"
    upgrade(url)
    db = Database(url)
    try:
        actor, enterprise_id = _setup(db, f"{seed}-{time.time_ns()}")
        xlsx, _csv = write_ledger(synthetic_rows(rows, seed), workdir)
        t0, cpu0 = time.perf_counter(), time.process_time()
        with db.unit_of_work() as session:
            result = ledger.import_ledger(
                session,
                actor,
                enterprise_id=enterprise_id,
                path=xlsx,
                filename=xlsx.name,
                year=YEAR,
            )
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        with db.sessions() as session:
            flags = session.scalar(select(func.count()).select_from(EquipmentFlag)) or 0
    finally:
        db.dispose()
    return {
        "rows": result.rows,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "database": url.split(":", 1)[0],
        "elimination": result.elimination,
        "renewal": result.renewal,
        "safety": result.safety,
        "flags_stored": int(flags),
    }


def main(argv: list[str]) -> None:
    rows = int(argv[1]) if len(argv) > 1 else 50_000
    seed = int(argv[2]) if len(argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(rows, seed, Path(tmp))
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
