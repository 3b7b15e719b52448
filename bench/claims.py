"""Benchmark of point-of-sale redemptions over HTTP (``huanxin bench claims --json``).

For each database (a SQLite file; a fresh PostgreSQL database on the given server) and each
case it migrates, loads places, programmes, one merchant with an API token, a catalogue and
many consumers with issued quotas (users and quotas are bulk-inserted, without audit
entries, to save time), funds the pools, starts the real server (``uvicorn
huanxin.asgi:app``) and drives ``POST /api/v1/redemptions`` from ``clients`` concurrent
keep-alive connections for ``seconds`` (after a short warm-up that is not counted).

Cases (every sale is a grade-1 refrigerator/washer/TV/computer at 5,999.00 yuan under the
2025 national programme: 1,199.80 yuan, paid 90% central, 10% province):

* ``hot_pool``: one pool per (programme, layer) at the province, serving every redemption,
  each split into ``HOT_SHARDS`` escrow shards;
* ``many_pools``: 100 counties, each with its own central and provincial pool (one shard
  each); consumers are spread evenly over the counties.

``overspend_fen`` is, after the run: every pool's ``reserved + spent - allocated`` when
positive, plus the number of problems ``ledger.check`` reports, plus the difference
between the reserved claims' subsidies and the pools' reserved money. It must be 0.
On PostgreSQL pgbench's built-in tpcb-like script also runs on a scratch database
(``pgbench -i`` at scale ``PGBENCH_SCALE``, then ``-c clients -j 2 -T seconds``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from huanxin.claims import bench_world as world
from huanxin.claims.bench_world import PRICE_FEN, PURCHASE, Loaded, load, serve

CASES = ("hot_pool", "many_pools")
DEFAULT_WORKERS = 2
PGBENCH_SCALE = 1
WARMUP_SECONDS = 1.5


def _log(**fields: Any) -> None:
    sys.stderr.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stderr.flush()


# --- the load ----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    exhausted: bool = False


def _request(port: int, token: str, n: int, code: str, category: str) -> bytes:
    body = json.dumps(
        {
            "category": category,
            "product_model": f"BENCH-{category}",
            "device_serial": f"BENCH{n:010d}",
            "price_fen": PRICE_FEN,
            "purchase_date": PURCHASE.isoformat(),
            "grade": 1,
            "invoice_no": world.invoice(n),
            "quota_code": code,
        }
    ).encode()
    head = (
        f"POST /api/v1/redemptions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: bench-{n}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One request on a keep-alive connection; returns the status (body read and dropped)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
    await reader.readexactly(int(length.group(1)) if length else 0)
    return status


async def _client(
    port: int, token: str, work: Iterator[tuple[int, tuple[str, str]]], until: float, tally: Tally
) -> None:
    """One keep-alive connection sending redemptions until ``until``; a broken connection
    counts as status 0 and is reopened."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            item = next(work, None)
            if item is None:
                tally.exhausted = True
                return
            n, (code, category) = item
            start = time.perf_counter()
            try:
                status = await _exchange(reader, writer, _request(port, token, n, code, category))
            except (OSError, asyncio.IncompleteReadError):
                status = 0
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            tally.latencies.append(time.perf_counter() - start)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _drive(base: str, loaded: Loaded, *, clients: int, seconds: float) -> tuple[Tally, float]:
    port = int(base.rsplit(":", 1)[1])
    work = iter(enumerate(loaded.quotas))
    warm = Tally()
    until = time.perf_counter() + WARMUP_SECONDS
    await asyncio.gather(*(_client(port, loaded.token, work, until, warm) for _ in range(clients)))
    tally = Tally()
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(_client(port, loaded.token, work, until, tally) for _ in range(clients)))
    return tally, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- verification ------------------------------------------------------------------------


def overspend(url: str) -> dict[str, int]:
    """Money over the allocation, ledger problems and the claims-vs-pools gap, in one dict."""
    from huanxin.claims.models import Claim
    from huanxin.db import Database
    from huanxin.ledger import service as ledger
    from huanxin.ledger.models import Pool

    db = Database(url)
    try:
        with db.sessions() as session:
            over = reserved = 0
            for pool_id in session.scalars(select(Pool.id)):
                b = ledger.pool_balances(session, pool_id)
                over += max(0, b.reserved + b.spent - b.allocated)
                reserved += b.reserved
            problems = len(ledger.check(session))
            held = select(func.coalesce(func.sum(Claim.subsidy_fen), 0), func.count())
            claimed, claims = session.execute(held.where(Claim.state == "reserved")).one()
    finally:
        db.dispose()
    gap = abs(int(claimed) - reserved)
    return {
        "overspend_fen": over + problems + gap,
        "over_fen": over,
        "problems": problems,
        "gap_fen": gap,
        "claims": int(claims),
    }


# --- one case, pgbench, the whole run ----------------------------------------------------


def run_case(
    url: str,
    case: str,
    *,
    seconds: float,
    clients: int,
    workers: int,
    policies_dir: Path | None = None,
) -> dict[str, Any]:
    quotas = int((seconds + WARMUP_SECONDS) * 2500) + clients
    started = time.perf_counter()
    loaded = load(url, case, quotas, policies_dir)
    _log(case=case, loaded_quotas=quotas, load_seconds=round(time.perf_counter() - started, 1))
    with serve(url, workers=workers) as base:
        tally, elapsed = asyncio.run(_drive(base, loaded, clients=clients, seconds=seconds))
    check = overspend(url)
    ok = tally.statuses.get(201, 0)
    result = {
        "redemptions_per_s": round(ok / elapsed, 1),
        "p50_ms": round(percentile(tally.latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "overspend_fen": check["overspend_fen"],
    }
    _log(
        case=case,
        database=make_url(url).get_backend_name(),
        workers=workers,
        clients=clients,
        seconds=round(elapsed, 2),
        statuses=tally.statuses,
        exhausted=tally.exhausted,
        load_average=os.getloadavg(),
        **{**check, **result},
    )
    return result


def pgbench_binary() -> str:
    found = shutil.which("pgbench") or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None
    )
    if found is None:
        raise RuntimeError("pgbench not found (install postgresql-client)")
    return found


def pgbench_tps(admin_url: str, *, seconds: float, clients: int) -> float:
    """tpcb-like TPS on a scratch database of the same server."""
    with world.postgres_database(admin_url, "pgbench") as url:
        parts = make_url(url)
        env = dict(os.environ, PGPASSWORD=parts.password or "")
        conn = [
            "-h",
            parts.host or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
        ]
        binary, name = pgbench_binary(), str(parts.database)
        subprocess.run(
            [binary, "-i", "-q", "-s", str(PGBENCH_SCALE), *conn, name],
            env=env,
            check=True,
            capture_output=True,
        )
        run = subprocess.run(
            [binary, "-c", str(clients), "-j", "2", "-T", str(max(1, round(seconds))), *conn, name],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    found = re.search(r"tps = ([\d.]+)", run.stdout)
    if found is None:
        raise RuntimeError("pgbench printed no tps:\n" + run.stdout + run.stderr)
    _log(pgbench=run.stdout.strip().splitlines()[-3:], load_average=os.getloadavg())
    return float(found.group(1))


def _database_cases(open_db: Any, *, seconds: float, clients: int, workers: int) -> dict[str, Any]:
    out = {}
    for case in CASES:
        with open_db(case) as url:
            out[case] = run_case(url, case, seconds=seconds, clients=clients, workers=workers)
    return out


def run_bench(
    *,
    seconds: float,
    clients: int = 64,
    pg_url: str | None,
    sqlite_dir: Path,
    workers: int = DEFAULT_WORKERS,
) -> dict[str, Any]:
    """The whole benchmark; PostgreSQL is skipped when ``pg_url`` is None."""
    _ensure_secret()
    result: dict[str, Any] = {}
    if pg_url:
        admin = pg_url

        def open_pg(case: str) -> Any:
            return world.postgres_database(admin, case)

        pg = _database_cases(open_pg, seconds=seconds, clients=clients, workers=workers)
        pg["pgbench_tps"] = round(pgbench_tps(pg_url, seconds=seconds, clients=clients), 1)
        pg["ratio_to_pgbench"] = round(pg["hot_pool"]["redemptions_per_s"] / pg["pgbench_tps"], 3)
        result["postgresql"] = pg

    def open_sqlite(case: str) -> Any:
        return world.sqlite_database(sqlite_dir, case)

    result["sqlite"] = _database_cases(
        open_sqlite, seconds=seconds, clients=clients, workers=workers
    )
    return result


def _ensure_secret() -> None:
    """The loader seals identifiers with the same key the server uses."""
    from huanxin.config import get_settings

    if not get_settings().secret_key:
        os.environ["HUANXIN_SECRET_KEY"] = "bench-" + uuid.uuid4().hex
        get_settings.cache_clear()
