"""The quota-release burst of ``huanxin bench claims`` (``postgresql.quota_burst``).

The 07:00 moment of a timed release (the 云闪付 "抢券"): ``consumers`` real-name consumers,
each with their own API token (bulk-inserted, like the redemption benchmark's consumers),
all ``POST /api/v1/quotas`` for the same category from ``clients`` keep-alive connections
as soon as today's release is open; the release offers ``offered`` quotas. After the run
the database must hold exactly ``offered`` quotas of the round, at most one per person, and
every other answer must be 409 ``quota_sold_out``. ``requests`` counts the answers,
``issued`` the 201s, ``expected`` the offered count, ``p99_ms`` the answers' latency.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from huanxin.claims import sales_world as world

CATEGORY = "refrigerator"
OFFERED = 2_000
PLACE = world.HOT_PLACE


def _log(**fields: Any) -> None:
    sys.stderr.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stderr.flush()


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)
    by_status: dict[int, list[float]] = field(default_factory=dict)
    last_issue: float = 0.0  # seconds from the start to the last 201's answer
    statuses: dict[int, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)


def add_token_holders(session: Any, count: int) -> list[str]:
    """``count`` real-name consumers at ``PLACE``, each with an API token; returns tokens."""
    from huanxin.core import pii
    from huanxin.core.auth import sha256
    from huanxin.core.clock import utcnow
    from huanxin.core.models import ApiToken, User

    now, rows = utcnow(), []
    for n in range(count):
        rid = world.resident_id(n, PLACE)
        rows.append(
            {
                "username": f"burst.c{n}",
                "display_name": f"抢券消费者{n}",
                "password_hash": "!",
                "role": "consumer",
                "jurisdiction_code": PLACE,
                "resident_id_enc": pii.seal(rid),
                "resident_id_hash": pii.lookup_hash("resident_id", rid),
                "active": True,
                "created_at": now,
            }
        )
    session.execute(insert(User), rows)
    ids = session.scalars(select(User.id).where(User.username.like("burst.c%")).order_by(User.id))
    tokens = ["hx_" + secrets.token_urlsafe(32) for _ in range(count)]
    session.execute(
        insert(ApiToken),
        [
            {"user_id": uid, "name": "burst", "token_hash": sha256(raw), "created_at": now}
            for uid, raw in zip(ids, tokens, strict=True)
        ],
    )
    return tokens


def define_release(session: Any, offered: int) -> int:
    """Pools at the province and a release at ``PLACE`` open now, offering ``offered``."""
    from huanxin.claims.service import release_plans
    from huanxin.core import auth, users
    from huanxin.core.audit import SYSTEM
    from huanxin.core.clock import CHINA_TZ, today_cn, utcnow
    from huanxin.ledger import service as ledger

    pools = {}
    for layer in ("central", "province"):
        pool = ledger.create_pool(
            session,
            SYSTEM,
            programme_id=world.PROGRAMME,
            layer=layer,
            jurisdiction_code="140000",
            period_year=today_cn().year,
            name=f"抢券{layer}",
            shards=world.HOT_SHARDS,
        )
        ledger.allocate(session, SYSTEM, pool_id=pool.id, amount_fen=world.BUDGET_FEN, ref="bench")
        pools[layer] = pool.id
    office = users.create(
        session,
        SYSTEM,
        users.NewUser(
            username="burst.office",
            display_name="压测商务局",
            password=secrets.token_hex(16) + "Aa1!",
            role="office",
            jurisdiction_code="140000",
        ),
    )
    start = utcnow().astimezone(CHINA_TZ)
    plan = release_plans.PlanInput(
        programme_id=world.PROGRAMME,
        category=CATEGORY,
        jurisdiction_code=PLACE,
        pool_id=pools["central"],
        first_day=today_cn(),
        last_day=today_cn(),
        release_time=f"{start:%H:%M}",
        per_release=offered,
    )
    actor = auth.actor_for(session, office, via="token")
    return release_plans.define(session, actor, plan).id


def load(url: str, consumers: int, offered: int) -> list[str]:
    from huanxin.db import Database
    from huanxin.migrate import upgrade

    upgrade(url)
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            world.load_world(session)
            define_release(session, offered)
            return add_token_holders(session, consumers)
    finally:
        db.dispose()


def _request(port: int, token: str, n: int) -> bytes:
    body = json.dumps({"category": CATEGORY}).encode()
    head = (
        f"POST /api/v1/quotas HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: burst-{n}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
    body = await reader.readexactly(int(length.group(1)) if length else 0)
    return int(head.split(b" ", 2)[1]), body


Link = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _client(
    port: int, link: Link, work: Iterator[tuple[int, str]], burst: Burst, began: float
) -> None:
    reader, writer = link
    try:
        for n, token in work:
            start = time.perf_counter()
            try:
                status, body = await _exchange(reader, writer, _request(port, token, n))
            except (OSError, asyncio.IncompleteReadError):
                status, body = 0, b"{}"
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            done = time.perf_counter()
            burst.latencies.append(done - start)
            burst.by_status.setdefault(status, []).append(done - start)
            burst.statuses[status] = burst.statuses.get(status, 0) + 1
            if status == 201:
                burst.last_issue = max(burst.last_issue, done - began)
            else:
                code = str(json.loads(body or b"{}").get("code", "none"))
                burst.codes[code] = burst.codes.get(code, 0) + 1
    finally:
        writer.close()


async def _connect(port: int, clients: int) -> list[Link]:
    """The clients' keep-alive connections, opened a few milliseconds apart before the
    release: opened all at once, the first worker to wake accepted nearly all of them (its
    accept loop takes every pending connection), and the burst ran on one process."""
    links = []
    for _ in range(clients):
        links.append(await asyncio.open_connection("127.0.0.1", port))
        await asyncio.sleep(0.01)
    return links


async def _drive(
    base: str, tokens: list[str], clients: int, parent: int
) -> tuple[Burst, float, list[int]]:
    port = int(base.rsplit(":", 1)[1])
    before = _sockets(parent)
    links = await _connect(port, clients)
    added = [n - before.get(pid, 0) for pid, n in _sockets(parent).items()]
    work = iter(enumerate(tokens))
    burst = Burst()
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, link, work, burst, start) for link in links))
    return burst, time.perf_counter() - start, added


def _settled(parent: int, workers: int, timeout: float = 180.0) -> None:
    """Wait until the server's worker processes have all finished starting: ``wait_ready``
    returns when the first worker answers, and a worker still importing the app accepts no
    connection, so the burst ran on one process. A worker has started when its CPU time
    stands still for two half-seconds running."""
    from bench.claims import _proc_cpu, _tree

    deadline, quiet, last = time.monotonic() + timeout, 0, dict[int, float]()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = {pid: _proc_cpu(pid) or 0.0 for pid in _tree(parent)[1:]}
        still = len(now) > workers and all(now[p] - last.get(p, -1.0) <= 0.02 for p in now)
        quiet, last = (quiet + 1 if still else 0), now
        if quiet >= 2:
            return
    raise RuntimeError("the server's workers did not settle in time")


def _sockets(parent: int) -> dict[int, int]:
    """Open sockets of each process of the server (clients and database connections)."""
    from bench.claims import _tree

    counts = {}
    for pid in _tree(parent)[1:]:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        counts[pid] = sum(1 for fd in fds if _is_socket(fd))
    return counts


def _is_socket(fd: Path) -> bool:
    try:
        return str(fd.readlink()).startswith("socket:")
    except OSError:
        return False


class LockWaits:
    """Samples, every 50 ms while the burst runs, how many of the database's backends are
    waiting for a lock (``pg_stat_activity.wait_event_type = 'Lock'``: the round's row, a
    key, a unique index entry) and how many run a statement."""

    def __init__(self, url: str) -> None:
        from huanxin.db import make_engine

        self.engine = make_engine(url, pool_size=1, max_overflow=0)
        self.waiting: list[int] = []
        self.active: list[int] = []
        self.on: Counter[str] = Counter()  # lock kind and statement of each waiting sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        query = text(
            "SELECT wait_event_type = 'Lock', wait_event, left(query, 40) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        with self.engine.connect() as conn:
            while not self._stop.wait(0.05):
                rows = conn.execute(query).all()
                conn.rollback()
                locked = [f"{event}: {statement}" for waits, event, statement in rows if waits]
                self.on.update(locked)
                self.waiting.append(len(locked))
                self.active.append(len(rows))

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    def report(self) -> dict[str, Any]:
        n = len(self.waiting) or 1
        return {
            "waiting_on": dict(self.on.most_common(4)),
            "samples": len(self.waiting),
            "waiting_mean": round(sum(self.waiting) / n, 2),
            "waiting_max": max(self.waiting, default=0),
            "active_mean": round(sum(self.active) / n, 2),
            "share_waiting": round(sum(self.waiting) / (sum(self.active) or 1), 3),
        }


@contextmanager
def _serve(url: str, workers: int) -> Iterator[tuple[str, int]]:
    """The server, every worker started; its base URL and its parent process id."""
    from bench.claims import server_log

    port = world.free_port()
    proc = world.start_server(url, port, workers=workers, log=server_log())
    base = f"http://127.0.0.1:{port}"
    try:
        world.wait_ready(base, proc)
        _settled(proc.pid, workers)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def held(url: str) -> dict[str, int]:
    """Quotas in the database, distinct holders, and the round's counter."""
    from huanxin.claims.models import Quota, ReleaseRound
    from huanxin.db import Database

    db = Database(url)
    try:
        with db.sessions() as session:
            quotas, people = session.execute(
                select(func.count(), func.count(func.distinct(Quota.person_key)))
            ).one()
            counter = session.scalar(select(func.coalesce(func.sum(ReleaseRound.issued), 0)))
    finally:
        db.dispose()
    return {"quotas": int(quotas), "holders": int(people), "counter": int(counter or 0)}


def run_burst(
    admin_url: str, *, consumers: int, clients: int, workers: int, offered: int = OFFERED
) -> dict[str, Any]:
    from bench.claims import percentile

    with world.postgres_database(admin_url, "burst") as url:
        started = time.perf_counter()
        tokens = load(url, consumers, offered)
        _log(
            case="quota_burst",
            consumers=consumers,
            load_seconds=round(time.perf_counter() - started, 1),
        )
        with _serve(url, workers) as (base, parent), LockWaits(url) as locks:
            burst, elapsed, spread = asyncio.run(_drive(base, tokens, clients, parent))
        check = held(url)
    result = {
        "requests": sum(burst.statuses.values()),
        "issued": burst.statuses.get(201, 0),
        "expected": offered,
        "p99_ms": round(percentile(burst.latencies, 0.99) * 1000, 1),
    }
    _log(
        case="quota_burst",
        clients=clients,
        workers=workers,
        seconds=round(elapsed, 2),
        requests_per_s=round(result["requests"] / elapsed, 1),
        p50_ms=round(percentile(burst.latencies, 0.5) * 1000, 1),
        p99_ms_by_status={
            status: round(percentile(values, 0.99) * 1000, 1)
            for status, values in sorted(burst.by_status.items())
        },
        all_issued_after_s=round(burst.last_issue, 2),
        connections_per_process=spread,
        lock_waits=locks.report(),
        release_block=os.environ.get("HUANXIN_RELEASE_BLOCK", "16"),
        statuses=burst.statuses,
        codes=burst.codes,
        load_average=os.getloadavg(),
        **check,
        **result,
    )
    return result
