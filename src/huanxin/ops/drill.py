"""``huanxin drill failover``: kill the primary under load and prove nothing acknowledged
is lost or paid twice.

1. a primary and a synchronous standby (``ops.clusters``); the platform's URL names both
   (``host=…&host=…&target_session_attrs=read-write``), as in production;
2. the redemption world of the benchmark (programmes, pools, a merchant, consumers with
   quotas) and the real server with two workers;
3. ``clients`` threads redeem distinct sales, each with its own Idempotency-Key, retrying
   the same key on any failure (connection refused, 5xx, 409 in progress) until answered;
4. after ``before_s`` seconds the primary is SIGKILLed; ``detect_s`` later (what a failover
   manager takes to notice) the standby is promoted; the load goes on ``after_s`` seconds;
5. on the new primary: every acknowledged claim is present, no sale has two claims,
   ``ledger check`` and ``audit verify`` are clean.

``downtime_s`` is the time from the kill to the first sale, sent after the kill, that the
new primary acknowledged.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from huanxin.claims.api import sales_world as world
from huanxin.db import Database
from huanxin.ops import checks
from huanxin.ops.clusters import Pair, make_pair

PATH = "/api/v1/redemptions"
MIN_ACKED = 20  # sales acknowledged by the first primary before it is killed


@dataclass
class Ledger:
    """What the clients saw: per sale number, the acknowledged claim id."""

    acked: dict[int, int] = field(default_factory=dict)
    refused: dict[int, int] = field(default_factory=dict)  # sale → HTTP status
    unanswered: set[int] = field(default_factory=set)
    retries: int = 0  # attempts that failed (connection refused, 5xx, 409) and were sent again
    acked_before_kill: int = 0
    acked_after_kill: int = 0
    first_after_kill: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def multi_host_url(pair: Pair, dbname: str = "huanxin") -> str:
    hosts = "&".join(f"host=127.0.0.1:{c.port}" for c in (pair.primary, pair.standby))
    return f"postgresql+psycopg://postgres@/{dbname}?{hosts}&target_session_attrs=read-write&connect_timeout=2"


def _sale(n: int, code: str, category: str) -> dict[str, Any]:
    return {
        "category": category,
        "product_model": f"BENCH-{category}",
        "device_serial": f"DRILL{n:09d}",
        "price_fen": world.PRICE_FEN,
        "purchase_date": world.PURCHASE.isoformat(),
        "grade": 1,
        "invoice_no": world.invoice(n),
        "quota_code": code,
    }


class Load:
    """The clients: each takes the next sale and sends it until it is answered."""

    def __init__(self, base: str, token: str, quotas: list[tuple[str, str]], clients: int) -> None:
        self.base, self.token, self.quotas, self.clients = base, token, quotas, clients
        self.seen = Ledger()
        self.next_sale, self.stop_at = 0, float("inf")
        self.killed_at: float | None = None
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self, deadline_s: float) -> None:
        self.stop_at = time.monotonic()
        for thread in self.threads:
            thread.join(deadline_s)

    def _take(self) -> int | None:
        with self.seen.lock:
            if time.monotonic() >= self.stop_at or self.next_sale >= len(self.quotas):
                return None
            self.next_sale += 1
            return self.next_sale - 1

    def _client(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=10) as http:
            while (n := self._take()) is not None:
                self._send(http, n)

    def _send(self, http: httpx.Client, n: int) -> None:
        code, category = self.quotas[n]
        body, key = _sale(n, code, category), f"drill-{n}"
        give_up = time.monotonic() + 120
        while time.monotonic() < give_up:
            sent = time.monotonic()
            try:
                r = http.post(PATH, json=body, headers={"Idempotency-Key": key})
            except httpx.HTTPError:
                self._retry()
                continue
            if r.status_code in (200, 201):
                self._ack(n, int(r.json()["id"]), sent)
                return
            if r.status_code < 500 and r.status_code != 409:
                with self.seen.lock:
                    self.seen.refused[n] = r.status_code
                return
            self._retry()
        with self.seen.lock:
            self.seen.unanswered.add(n)

    def _retry(self) -> None:
        with self.seen.lock:
            self.seen.retries += 1
        time.sleep(0.05)

    def _ack(self, n: int, claim_id: int, sent: float) -> None:
        with self.seen.lock:
            self.seen.acked[n] = claim_id
            if self.killed_at is None:
                self.seen.acked_before_kill += 1
            elif sent > self.killed_at:
                self.seen.acked_after_kill += 1
                if self.seen.first_after_kill is None:
                    self.seen.first_after_kill = time.monotonic()


def _verify(url: str, seen: Ledger) -> dict[str, Any]:
    from huanxin.claims.service import queries

    db = Database(url)
    try:
        with db.sessions() as session:
            ids, per_sale = set(), dict[str, int]()
            for claim_id, serial in queries.serials(session, prefix="DRILL"):
                ids.add(claim_id)
                per_sale[serial] = per_sale.get(serial, 0) + 1
            claims = queries.count(session)
        problems = checks.integrity(db)
    finally:
        db.dispose()
    lost = sum(1 for claim_id in seen.acked.values() if claim_id not in ids)
    duplicated = sum(count - 1 for count in per_sale.values())
    return {"lost": lost, "duplicated": duplicated, "claims": claims, "problems": problems}


def run(
    *,
    clients: int = 8,
    before_s: float = 2.0,
    detect_s: float = 1.0,
    after_s: float = 3.0,
    quotas: int = 4000,
    workers: int = 2,
) -> dict[str, Any]:
    """Run the drill; the result's four headline keys are acknowledged, lost, duplicated, downtime_s."""
    _ensure_secret()
    pair = make_pair(world.free_port(), world.free_port())
    try:
        pair.primary.execute("CREATE DATABASE huanxin")
        url = multi_host_url(pair)
        loaded = world.load(url, "hot_pool", quotas)
        with _quiet_server(), _serve(url, workers) as base:
            load = Load(base, loaded.token, loaded.quotas, clients)
            load.start()
            _warm_up(load, before_s, min_acked=MIN_ACKED)
            load.killed_at = time.monotonic()
            pair.primary.kill()
            time.sleep(detect_s)
            started = time.monotonic()
            pair.standby.promote()
            promote_s = time.monotonic() - started
            time.sleep(after_s)
            load.finish(deadline_s=150)
        seen = load.seen
        found = _verify(url, seen)
    finally:
        pair.remove()
    downtime = (
        (seen.first_after_kill - load.killed_at)
        if seen.first_after_kill and load.killed_at
        else None
    )
    return {
        "acknowledged": len(seen.acked),
        "lost": found["lost"],
        "duplicated": found["duplicated"],
        "downtime_s": round(downtime, 2) if downtime is not None else None,
        "acknowledged_before_kill": seen.acked_before_kill,
        "acknowledged_after_kill": seen.acked_after_kill,
        "retries": seen.retries,
        "refused": len(seen.refused),
        "unanswered": len(seen.unanswered),
        "claims": found["claims"],
        "problems": found["problems"],
        "clients": clients,
        "detect_s": detect_s,
        "promote_s": round(promote_s, 2),
    }


def _warm_up(load: Load, seconds: float, *, min_acked: int, timeout: float = 120.0) -> None:
    """Wait ``seconds`` and until the first primary has acknowledged ``min_acked`` sales."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with load.seen.lock:
            acked = len(load.seen.acked)
        if time.monotonic() - started >= seconds and acked >= min_acked:
            return
        time.sleep(0.05)
    raise RuntimeError(f"only {acked} sales acknowledged in {timeout:.0f} s before the kill")


@contextmanager
def _serve(url: str, workers: int) -> Iterator[str]:
    """The real server on the two-host URL (generous start-up time on a loaded machine)."""
    port = world.free_port()
    proc = world.start_server(url, port, workers=workers)
    base = f"http://127.0.0.1:{port}"
    try:
        world.wait_ready(base, proc, timeout=180)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@contextmanager
def _quiet_server() -> Iterator[None]:
    """The drill's server logs warnings only (its request lines would drown the result)."""
    before = os.environ.get("HUANXIN_LOG_LEVEL")
    os.environ["HUANXIN_LOG_LEVEL"] = "WARNING"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("HUANXIN_LOG_LEVEL", None)
        else:
            os.environ["HUANXIN_LOG_LEVEL"] = before


def _ensure_secret() -> None:
    """The loader seals identifiers with the same key the server uses (a drill-only key if none)."""
    from huanxin.config import get_settings

    if not get_settings().secret_key:
        os.environ["HUANXIN_SECRET_KEY"] = "drill-" + uuid.uuid4().hex
        get_settings.cache_clear()
