"""``huanxin bench federation --json``: the registry and several provinces on this machine.

Each province is the real server (``uvicorn huanxin.asgi:app``) on its own PostgreSQL
database, wired to the registry (``huanxin registry serve``, its own database) with a
1-second drain. Many clients redeem concurrently; ``duplicates`` pairs are planted (the
same device serial, or the same person and category, sold in two provinces). After a
share of the sales the registry process is stopped for ``down_seconds`` and started
again; sales go on meanwhile (the appliance programme holds them). Then the bench waits
until every province's queue has drained, approves every claim and builds each
province's payment batch: a planted pair whose two claims are both in a batch would be a
duplicate paid.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import federation_world as world
from huanxin.claims.sales_world import free_port, postgres_database, wait_ready

FEDERATION_KEY = "v1:bench-national-key-0123456789abcdef"
START_TIMEOUT_S = 300.0  # a loaded 2-core machine imports the whole platform slowly
SUMMARY_KEYS = (
    "provinces",
    "redemptions",
    "per_s",
    "duplicates_planted",
    "duplicates_refused",
    "duplicates_held",
    "duplicates_paid",
    "registry_down_s",
    "drain_s",
)


def _log(**fields: Any) -> None:
    sys.stderr.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stderr.flush()


@dataclass
class Sale:
    province: int
    person: int
    category: str
    serial: str
    pair: int | None = None  # planted duplicate pair number
    status: int = 0
    code: str = ""
    claim_id: int | None = None


@dataclass
class Plan:
    sales: list[Sale]
    people: dict[int, list[int]]  # province -> people with quotas there
    pairs: int


def plan(provinces: int, per_province: int, duplicates: int) -> Plan:
    """Sales spread round-robin over the provinces; duplicate pairs interleaved: the second
    sale of a pair comes after its first, some before the outage and some during it."""
    people: dict[int, list[int]] = {p: [] for p in range(provinces)}
    sales: list[Sale] = []
    n = 0
    for i in range(per_province):
        for p in range(provinces):
            person = 100_000 * (p + 1) + i
            people[p].append(person)
            category = world.APPLIANCES[i % len(world.APPLIANCES)]
            sales.append(Sale(p, person, category, f"FED{p}{i:07d}"))
            n += 1
    step = max(1, len(sales) // (duplicates + 1))
    for k in range(duplicates):
        first = sales[(k * step) // 2]
        other = (first.province + 1 + k % max(1, provinces - 1)) % provinces
        first.pair = k
        if k % 2 == 0:  # the same device sold again in another province
            person = 900_000 + k
            people[other].append(person)
            second = Sale(other, person, first.category, first.serial, pair=k)
        else:  # the same person buying the same category again elsewhere
            people[other].append(first.person)
            second = Sale(other, first.person, first.category, f"DUP{k:07d}", pair=k)
        sales.insert(min(len(sales), (k * step) // 2 + len(sales) // 3 + k), second)
    return Plan(sales, people, duplicates)


@dataclass
class Stack:
    registry_url: str
    registry_db: str
    province_urls: list[str]
    bases: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    registry_proc: subprocess.Popen[bytes] | None = None
    registry_port: int = 0


def _start_registry(stack: Stack) -> None:
    args = [
        sys.executable,
        "-c",
        "from huanxin.cli import app; app()",
        "registry",
        "serve",
        "--port",
        str(stack.registry_port),
        "--database-url",
        stack.registry_db,
    ]
    stack.registry_proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    wait_ready(
        stack.registry_url, stack.registry_proc, path="/registry/v1/health", timeout=START_TIMEOUT_S
    )


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _start_provinces(stack: Stack, tokens: list[str]) -> None:
    from huanxin.claims.sales_world import server_env

    for url, token in zip(stack.province_urls, tokens, strict=True):
        port = free_port()
        env = server_env(
            url,
            HUANXIN_REGISTRY_URL=stack.registry_url,
            HUANXIN_REGISTRY_TOKEN=token,
            HUANXIN_FEDERATION_KEY=FEDERATION_KEY,
            HUANXIN_REGISTRY_TIMEOUT="1",
            HUANXIN_FEDERATION_DRAIN_SECONDS="1",
            HUANXIN_LOG_LEVEL="WARNING",
        )
        args = [
            sys.executable,
            "-m",
            "uvicorn",
            "huanxin.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "error",
        ]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
        stack.procs.append(proc)
        stack.bases.append(f"http://127.0.0.1:{port}")
    for base, proc in zip(stack.bases, stack.procs, strict=True):
        wait_ready(base, proc, timeout=START_TIMEOUT_S)


def _register(registry_db: str, provinces: list[world.Province]) -> list[str]:
    from huanxin.db import Database
    from huanxin.federation.registry import service
    from huanxin.federation.registry.models import RegistryBase

    db = Database(registry_db)
    RegistryBase.metadata.create_all(db.engine)
    with db.unit_of_work() as session:
        tokens = [service.add_deployment(session, code=p.code, name=p.name) for p in provinces]
    db.dispose()
    return tokens


def _drive(
    stack: Stack,
    provinces: list[world.Province],
    sales: list[Sale],
    clients: int,
    outage: tuple[int, float],
) -> dict[str, float]:
    """Send every sale from ``clients`` threads; after ``outage[0]`` sales the registry
    stops for ``outage[1]`` seconds. Returns the timings."""
    work: queue.Queue[Sale] = queue.Queue()
    for s in sales:
        work.put(s)
    done = [0]
    lock = threading.Lock()
    times: dict[str, float] = {}

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while True:
                try:
                    s = work.get_nowait()
                except queue.Empty:
                    return
                _send(http, stack.bases[s.province], provinces[s.province], s)
                with lock:
                    done[0] += 1

    def outage_controller() -> None:
        while done[0] < outage[0]:
            time.sleep(0.05)
        _stop(stack.registry_proc)
        times["down_at"] = time.monotonic()
        time.sleep(outage[1])
        _start_registry(stack)
        times["up_at"] = time.monotonic()

    controller = threading.Thread(target=outage_controller)
    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    controller.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times["drive_s"] = time.monotonic() - start
    controller.join()
    return times


def _send(http: httpx.Client, base: str, province: world.Province, s: Sale) -> None:
    assert province.quotas is not None
    number = (s.province * 10_000_000 + s.person) % 10**12 + (s.pair or 0)
    body = world.sale(province.quotas[(s.person, s.category)], s.category, s.serial, number)
    headers = {
        "Authorization": f"Bearer {province.token}",
        "Idempotency-Key": f"b-{s.serial}-{s.person}",
    }
    for _ in range(3):
        try:
            resp = http.post(base + "/api/v1/redemptions", json=body, headers=headers)
        except httpx.HTTPError:
            continue
        s.status = resp.status_code
        answer = resp.json()
        s.code, s.claim_id = answer.get("code", ""), answer.get("id")
        return


def _pending(urls: list[str]) -> int:
    from huanxin.db import Database
    from huanxin.federation.models import KeyState, NationalClaim

    total = 0
    for url in urls:
        db = Database(url, pool_size=1, max_overflow=0)
        with db.sessions() as session:
            stmt = select(func.count()).select_from(NationalClaim)
            total += int(session.scalar(stmt.where(NationalClaim.state == KeyState.pending)) or 0)
        db.dispose()
    return total


def _batched(url: str, code: str) -> set[int]:
    """Approve every reserved claim and build the payment batch; the claims it takes."""
    from huanxin.claims.models import Claim
    from huanxin.claims.service import lifecycle, settle
    from huanxin.core.actor import Actor
    from huanxin.core.errors import Conflict
    from huanxin.db import Database
    from huanxin.federation.wiring import wire

    db = Database(url)
    unwire = wire(db)  # no registry here: the payment hold alone, as a deployment has it
    office = Actor(
        user_id=1,
        username="bench",
        display_name="压测",
        role="office",
        jurisdiction_code=code,
        scope_codes=frozenset({code}),
    )
    finance = Actor(
        user_id=1,
        username="bench",
        display_name="压测",
        role="finance",
        jurisdiction_code=code,
        scope_codes=frozenset({code}),
    )
    with db.unit_of_work() as session:
        for claim_id in list(session.scalars(select(Claim.id).where(Claim.state == "reserved"))):
            lifecycle.verify(session, office, claim_id=claim_id)
    try:
        with db.unit_of_work() as session:
            batch = settle.create_batch(session, finance)
            taken = set(session.scalars(select(Claim.id).where(Claim.batch_id == batch.id)))
    except Conflict:
        taken = set()
    unwire()
    db.dispose()
    return taken


def _registry_size(url: str) -> tuple[int, int]:
    """Held keys and the bytes of their table with its indexes (PostgreSQL's own count)."""
    from sqlalchemy import text

    from huanxin.db import Database

    db = Database(url)
    with db.sessions() as session:
        keys = int(session.scalar(text("SELECT count(*) FROM registry_keys")) or 0)
        size = int(session.scalar(text("SELECT pg_total_relation_size('registry_keys')")) or 0)
    db.dispose()
    return keys, size


def tally(sales: list[Sale], batched: list[set[int]], pairs: int) -> dict[str, int]:
    by_pair: dict[int, list[Sale]] = {}
    for s in sales:
        if s.pair is not None:
            by_pair.setdefault(s.pair, []).append(s)
    refused = held = paid = 0
    for members in by_pair.values():
        if any(m.code == "national_key_held" for m in members):
            refused += 1
        elif all(m.status == 201 for m in members):
            in_batch = sum(1 for m in members if m.claim_id in batched[m.province])
            paid += in_batch > 1
            held += in_batch <= 1
    return {
        "duplicates_planted": pairs,
        "duplicates_refused": refused,
        "duplicates_held": held,
        "duplicates_paid": paid,
    }


def run_bench(
    *,
    provinces: int = 3,
    per_province: int = 600,
    duplicates: int = 40,
    clients: int = 24,
    down_seconds: float = 5.0,
    workdir: Path,
    admin_url: str,
) -> dict[str, Any]:
    the_plan = plan(provinces, per_province, duplicates)
    policies = world.national_policies(workdir)
    with ExitStack() as stack_:
        reg_db = stack_.enter_context(postgres_database(admin_url, "registry"))
        urls = [
            stack_.enter_context(postgres_database(admin_url, f"p{i}")) for i in range(provinces)
        ]
        loaded = []
        for i, url in enumerate(urls):
            code, name = world.PROVINCES[i]
            loaded.append(
                world.load_province(
                    world.Province(code, name, url), sorted(set(the_plan.people[i])), policies
                )
            )
            _log(event="loaded", province=name)
        port = free_port()
        stack = Stack(f"http://127.0.0.1:{port}", reg_db, urls, registry_port=port)
        tokens = _register(reg_db, loaded)
        try:
            _start_registry(stack)
            _start_provinces(stack, tokens)
            outage_after = len(the_plan.sales) // 3
            times = _drive(stack, loaded, the_plan.sales, clients, (outage_after, down_seconds))
            while _pending(urls):
                time.sleep(0.2)
            drain_s = time.monotonic() - times["up_at"]
        finally:
            for proc in [*stack.procs, stack.registry_proc]:
                _stop(proc)
        batched = [_batched(url, p.code) for url, p in zip(urls, loaded, strict=True)]
        keys, key_bytes = _registry_size(reg_db)
    ok = sum(1 for s in the_plan.sales if s.status == 201)
    statuses: dict[str, int] = {}
    for s in the_plan.sales:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    return {
        "provinces": provinces,
        "redemptions": ok,
        "per_s": round(ok / times["drive_s"], 1),
        **tally(the_plan.sales, batched, the_plan.pairs),
        "registry_down_s": round(times["up_at"] - times["down_at"], 2),
        "drain_s": round(drain_s, 2),
        "statuses": statuses,
        "clients": clients,
        "registry_keys": keys,
        "registry_bytes_per_key": key_bytes // max(keys, 1),
        "cores": os.cpu_count(),
    }
