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
  each); consumers are spread evenly over the counties;
* ``quota_burst`` (PostgreSQL only, ``bench/quota_burst.py``): 50,000 consumers claim a quota of
  a timed release that offers 2,000, all at once.

* ``bulk`` (PostgreSQL): the hot-pool world, sales submitted ``BULK_SIZE`` per request to
  ``POST /api/v1/redemptions/bulk`` from ``BULK_CLIENTS`` connections (a channel's feed);
  ``sales_per_s`` counts the sales answered 201 inside the responses.

Per case it reports the rate, p50/p95/p99 latency (per request), the size distribution of
the batch transactions the server ran (``HUANXIN_BATCH_STATS``), the statements those
transactions ran per sale, and the server's CPU (every uvicorn process, from ``/proc``) per
sale, all over the measured window only.

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
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.quota_burst import run_burst
from huanxin.claims import sales_world as world
from huanxin.claims.sales_world import PRICE_FEN, PURCHASE, Loaded, load

CASES = ("hot_pool", "many_pools")
ALL_CASES = (*CASES, "bulk", "quota_burst")  # what ``--case`` may name
DATABASES = ("postgresql", "sqlite")
BULK_SIZE = 100
BULK_CLIENTS = 16  # sales in flight: 1,600 (pgbench runs 64 one-transaction clients)
SIZE_BUCKETS = ((1, 1), (2, 4), (5, 16), (17, 64), (65, 256), (257, 10**9))
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
    sales: int = 0  # sales answered 201 (one per request, or inside a bulk answer)
    exhausted: bool = False


def _sale(n: int, code: str, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "product_model": f"BENCH-{category}",
        "device_serial": f"BENCH{n:010d}",
        "price_fen": PRICE_FEN,
        "purchase_date": PURCHASE.isoformat(),
        "grade": 1,
        "invoice_no": world.invoice(n),
        "quota_code": code,
    }


def _post(port: int, token: str, path: str, key: str, payload: Any) -> bytes:
    body = json.dumps(payload).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


Work = Iterator[bytes]


def single_requests(port: int, loaded: Loaded) -> Work:
    for n, (code, category) in enumerate(loaded.quotas):
        yield _post(
            port, loaded.token, "/api/v1/redemptions", f"bench-{n}", _sale(n, code, category)
        )


def bulk_requests(port: int, loaded: Loaded, size: int = BULK_SIZE) -> Work:
    for first in range(0, len(loaded.quotas) - size + 1, size):
        chunk = loaded.quotas[first : first + size]
        sales = [_sale(first + i, code, cat) for i, (code, cat) in enumerate(chunk)]
        yield _post(
            port, loaded.token, "/api/v1/redemptions/bulk", f"bulk-{first}", {"sales": sales}
        )


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """One request on a keep-alive connection; returns the status and the body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
    body = await reader.readexactly(int(length.group(1)) if length else 0)
    return status, body


def _sales_in(status: int, body: bytes) -> int:
    if status == 201:
        return 1
    return body.count(b'"status":201') if status == 200 else 0


async def _client(port: int, work: Work, until: float, tally: Tally) -> None:
    """One keep-alive connection sending requests until ``until``; a broken connection
    counts as status 0 and is reopened."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            request = next(work, None)
            if request is None:
                tally.exhausted = True
                return
            start = time.perf_counter()
            try:
                status, body = await _exchange(reader, writer, request)
            except (OSError, asyncio.IncompleteReadError):
                status, body = 0, b""
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            tally.latencies.append(time.perf_counter() - start)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            tally.sales += _sales_in(status, body)
    finally:
        writer.close()


@dataclass
class Window:
    """What the server did in the measured window: CPU seconds and its batch lines."""

    cpu_s: float = 0.0
    batches: list[dict[str, Any]] = field(default_factory=list)
    db_cpu_s: float | None = None  # PostgreSQL: the CPU of the database's own backends


async def _drive(
    port: int, work: Work, *, clients: int, seconds: float, server: Server
) -> tuple[Tally, float, Window]:
    warm = Tally()
    until = time.perf_counter() + WARMUP_SECONDS
    await asyncio.gather(*(_client(port, work, until, warm) for _ in range(clients)))
    cpu0, offset, db0 = server.cpu_seconds(), server.stats_offset(), backend_cpu(server.url)
    tally = Tally()
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(_client(port, work, until, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    window = Window(server.cpu_seconds() - cpu0, server.batches_since(offset))
    if db0 is not None:
        db1 = backend_cpu(server.url) or {}
        window.db_cpu_s = sum(cpu - db0.get(pid, 0.0) for pid, cpu in db1.items())
    return tally, elapsed, window


def backend_cpu(url: str) -> dict[int, float] | None:
    """PostgreSQL: user + system CPU seconds of each backend connected to ``url``'s database
    (from ``/proc``: the server runs on this machine); None on SQLite. The benchmark's
    server keeps its pooled connections, so the change over the window is the database's
    work for the case (a backend that connected meanwhile counts from zero)."""
    if make_url(url).get_backend_name() != "postgresql":
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            pids = conn.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        engine.dispose()
    return {pid: cpu for pid in pids if (cpu := _proc_cpu(pid)) is not None}


def _proc_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


class Server:
    """``uvicorn huanxin.asgi:app`` with batch statistics on, and its CPU from ``/proc``."""

    def __init__(self, url: str, workers: int, stats: Path) -> None:
        self.url, self.stats = url, stats
        self.port = world.free_port()
        self.proc = world.start_server(
            url, self.port, workers=workers, log=server_log(), HUANXIN_BATCH_STATS=str(stats)
        )

    def __enter__(self) -> Server:
        try:
            world.wait_ready(f"http://127.0.0.1:{self.port}", self.proc)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and its worker processes."""
        return sum(_proc_cpu(pid) or 0.0 for pid in _tree(self.proc.pid))

    def stats_offset(self) -> int:
        return self.stats.stat().st_size if self.stats.exists() else 0

    def batches_since(self, offset: int) -> list[dict[str, Any]]:
        if not self.stats.exists():
            return []
        with self.stats.open("rb") as lines:
            lines.seek(offset)
            return [json.loads(line) for line in lines.read().splitlines() if line.strip()]


def server_log() -> Path:
    """Where the benchmark's servers write their request log lines (one JSON line per
    request): ``HUANXIN_BENCH_SERVER_LOG``, else ``huanxin-bench-server.log`` in the temporary
    directory (emptied when a run starts). They stay out of the benchmark's own output: the
    per-case lines on stderr and the result as the last line of stdout."""
    named = os.environ.get("HUANXIN_BENCH_SERVER_LOG")
    return Path(named) if named else Path(tempfile.gettempdir()) / "huanxin-bench-server.log"


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (by the parent pid in ``/proc/*/stat``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def batch_report(window: Window, sales: int) -> dict[str, Any]:
    """Batch sizes (distribution and mean), statements per sale, how long the batch
    transactions took (p50, p99, max ms), the server's CPU ms per sale and, on PostgreSQL,
    the database backends' CPU ms per sale."""
    sizes = [int(b["size"]) for b in window.batches]
    statements = sum(int(b["statements"]) for b in window.batches)
    durations = [float(b["ms"]) for b in window.batches]
    buckets = {
        (f"{lo}" if lo == hi else f"{lo}+" if hi > 10**6 else f"{lo}-{hi}"): sum(
            1 for s in sizes if lo <= s <= hi
        )
        for lo, hi in SIZE_BUCKETS
    }
    return {
        "batches": len(sizes),
        "batch_size_mean": round(sum(sizes) / len(sizes), 1) if sizes else 0.0,
        "batch_sizes": {k: v for k, v in buckets.items() if v},
        "statements_per_redemption": round(statements / sum(sizes), 2) if sizes else 0.0,
        "batch_ms": {
            f"p{round(q * 100)}": round(percentile(durations, q), 1) for q in (0.5, 0.99, 1.0)
        },
        "slowest_batches": sorted(window.batches, key=lambda b: -float(b["ms"]))[:3],
        "cpu_ms_per_redemption": round(window.cpu_s * 1000 / sales, 2) if sales else 0.0,
        **(
            {"db_cpu_ms_per_redemption": round(window.db_cpu_s * 1000 / sales, 2) if sales else 0.0}
            if window.db_cpu_s is not None
            else {}
        ),
    }


def run_case(
    url: str,
    case: str,
    *,
    seconds: float,
    clients: int,
    workers: int,
    policies_dir: Path | None = None,
) -> dict[str, Any]:
    bulk = case == "bulk"
    rate = 6000 if bulk else 2500
    quotas = int((seconds + WARMUP_SECONDS) * rate) + clients * (BULK_SIZE if bulk else 1)
    started = time.perf_counter()
    loaded = load(url, "hot_pool" if bulk else case, quotas, policies_dir)
    _log(case=case, loaded_quotas=quotas, load_seconds=round(time.perf_counter() - started, 1))
    with tempfile.TemporaryDirectory() as tmp, Server(url, workers, Path(tmp) / "b") as server:
        work = (bulk_requests if bulk else single_requests)(server.port, loaded)
        tally, elapsed, window = asyncio.run(
            _drive(server.port, work, clients=clients, seconds=seconds, server=server)
        )
    check = overspend(url)
    result = {
        "redemptions_per_s": round(tally.sales / elapsed, 1),
        "p50_ms": round(percentile(tally.latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(tally.latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "overspend_fen": check["overspend_fen"],
        **batch_report(window, tally.sales),
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


def _database_cases(
    open_db: Any, cases: tuple[str, ...], *, seconds: float, clients: int, workers: int
) -> dict[str, Any]:
    out = {}
    for case in cases:
        with open_db(case) as url:
            many = BULK_CLIENTS if case == "bulk" else clients
            out[case] = run_case(url, case, seconds=seconds, clients=many, workers=workers)
    return out


def run_bench(
    *,
    seconds: float,
    clients: int = 64,
    pg_url: str | None,
    sqlite_dir: Path,
    workers: int = DEFAULT_WORKERS,
    burst_consumers: int = 50_000,
    cases: tuple[str, ...] = ALL_CASES,
    databases: tuple[str, ...] = DATABASES,
) -> dict[str, Any]:
    """The benchmark; PostgreSQL is skipped when ``pg_url`` is None or not in ``databases``.
    ``cases`` (default all of ``ALL_CASES``) picks the cases to run: ``bulk`` and
    ``quota_burst`` run on PostgreSQL only; pgbench runs when ``hot_pool`` or ``bulk`` does.
    Each database's dict holds one entry per case run (other cases may be added beside)."""
    unknown = set(cases) - set(ALL_CASES) or set(databases) - set(DATABASES)
    if unknown:
        raise ValueError(f"unknown case or database: {', '.join(sorted(unknown))}")
    _ensure_secret()
    server_log().write_bytes(b"")
    result: dict[str, Any] = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    if pg_url and "postgresql" in databases:
        result["postgresql"] = _postgresql(
            pg_url,
            cases,
            seconds=seconds,
            clients=clients,
            workers=workers,
            burst_consumers=burst_consumers,
        )
    sqlite_cases = tuple(c for c in CASES if c in cases)
    if "sqlite" in databases and sqlite_cases:

        def open_sqlite(case: str) -> Any:
            return world.sqlite_database(sqlite_dir, case)

        result["sqlite"] = _database_cases(
            open_sqlite, sqlite_cases, seconds=seconds, clients=clients, workers=workers
        )
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _postgresql(
    pg_url: str,
    cases: tuple[str, ...],
    *,
    seconds: float,
    clients: int,
    workers: int,
    burst_consumers: int,
) -> dict[str, Any]:
    """The PostgreSQL cases of ``cases``, pgbench in the same run, and the ratios to it."""

    def open_pg(case: str) -> Any:
        return world.postgres_database(pg_url, case)

    chosen = tuple(c for c in (*CASES, "bulk") if c in cases)
    pg = _database_cases(open_pg, chosen, seconds=seconds, clients=clients, workers=workers)
    if "hot_pool" in pg or "bulk" in pg:
        tps = round(pgbench_tps(pg_url, seconds=seconds, clients=clients), 1)
        pg["pgbench_tps"] = tps
        if "hot_pool" in pg:
            pg["ratio_to_pgbench"] = round(pg["hot_pool"]["redemptions_per_s"] / tps, 3)
        if "bulk" in pg:
            bulk = pg.pop("bulk")
            pg["bulk"] = {
                "sales_per_s": bulk["redemptions_per_s"],
                "ratio_to_pgbench": round(bulk["redemptions_per_s"] / tps, 3),
                "overspend_fen": bulk["overspend_fen"],
                **{
                    k: v for k, v in bulk.items() if k not in ("redemptions_per_s", "overspend_fen")
                },
            }
    if burst_consumers and "quota_burst" in cases:
        pg["quota_burst"] = run_burst(
            pg_url, consumers=burst_consumers, clients=clients, workers=workers
        )
    return pg


def _ensure_secret() -> None:
    """The loader seals identifiers with the same key the server uses."""
    from huanxin.config import get_settings

    if not get_settings().secret_key:
        os.environ["HUANXIN_SECRET_KEY"] = "bench-" + uuid.uuid4().hex
        get_settings.cache_clear()
