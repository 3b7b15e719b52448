"""The sales world: what the failover drill (``huanxin drill failover``, ``ops/drill.py``)
loads and serves at run time, so it ships in the package (ARCHITECTURE.md); the redemption
benchmark (``bench/claims.py``) and the reliability tests build the same world. Scratch
databases, the bulk loader (places, programmes, a merchant, a catalogue, funded pools,
consumers with issued quotas) and the real server as a subprocess.

Users and quotas are bulk-inserted (no audit entries), with the structure the services
create: a sealed resident ID and its lookup hash on the user, one slot-1 quota per person
and category for the 2025 national appliance programme, valid for 30 days.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

HOT_SHARDS = 16
CATEGORIES = ("refrigerator", "washing_machine", "television", "computer")
PRICE_FEN = 599_900
PURCHASE = date(2025, 6, 1)
BUDGET_FEN = 10**13
PROGRAMME = "cn.appliance"
HOT_PLACE = "140300"  # 阳泉市: no local top-up, so a sale draws on the two national layers


# --- databases ---------------------------------------------------------------------------


@contextmanager
def postgres_database(admin_url: str, label: str) -> Iterator[str]:
    """A fresh database on the server of ``admin_url``, dropped afterwards."""
    name = f"huanxin_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def sqlite_database(folder: Path, label: str) -> Iterator[str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-claims-{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- loading -----------------------------------------------------------------------------


def _check_digit(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


def resident_id(n: int, place: str) -> str:
    """A synthetic resident ID with a valid check digit, distinct for each ``n``."""
    born = date(1950, 1, 1) + timedelta(days=n // 1000)
    body = f"{place}{born:%Y%m%d}{n % 1000:03d}"
    return body + _check_digit(body)


def invoice(n: int) -> str:
    """A distinct, well-formed 20-digit e-invoice number (2025, Shanxi) for sale ``n``."""
    return f"2514{n:016d}"


def counties() -> list[tuple[str, str]]:
    """100 synthetic counties: 50 under 阳泉市 and 50 under 晋城市 (none is 沁水县)."""
    return [(f"1403{k:02d}", "140300") for k in range(11, 61)] + [
        (f"1405{k:02d}", "140500") for k in range(31, 81)
    ]


def load_world(session: Any, policies_dir: Path | None = None) -> str:
    """Places, programmes, a merchant with a token and the catalogue; returns the token."""
    from huanxin import demo
    from huanxin.claims.models import CatalogueProduct
    from huanxin.core import auth, jurisdictions, orgs, users
    from huanxin.core.audit import SYSTEM
    from huanxin.core.clock import utcnow
    from huanxin.policy import service as policies

    for code, name, level, parent in demo.PLACES:
        jurisdictions.ensure(session, SYSTEM, code=code, name=name, level=level, parent_code=parent)
    policies.sync_dir(session, SYSTEM, policies_dir)
    org = orgs.ensure(
        session, SYSTEM, kind="merchant", name="压测家电商城", jurisdiction_code="140000"
    )
    merchant = users.create(
        session,
        SYSTEM,
        users.NewUser(
            username="bench.merchant",
            display_name="压测商户",
            password=uuid.uuid4().hex + "Aa1!",
            role="merchant",
            jurisdiction_code="140000",
            org_id=org.id,
        ),
    )
    for category in CATEGORIES:
        session.add(
            CatalogueProduct(
                category=category,
                brand="压测",
                model=f"BENCH-{category}",
                grade=1,
                list_price_fen=PRICE_FEN,
                valid_from=date(2024, 1, 1),
                created_at=utcnow(),
            )
        )
    return auth.issue_token(session, merchant, name="bench", days=1)


def fund_case(session: Any, case: str) -> list[str]:
    """Create and fund the case's pools; return the consumers' jurisdictions."""
    from huanxin.core import jurisdictions
    from huanxin.core.audit import SYSTEM
    from huanxin.ledger import service as ledger

    def fund(code: str, shards: int) -> None:
        for layer in ("central", "province"):
            pool = ledger.create_pool(
                session,
                SYSTEM,
                programme_id=PROGRAMME,
                layer=layer,
                jurisdiction_code=code,
                period_year=PURCHASE.year,
                name=f"压测{code}{layer}",
                shards=shards,
            )
            ledger.allocate(session, SYSTEM, pool_id=pool.id, amount_fen=BUDGET_FEN, ref="bench")

    if case == "hot_pool":
        fund("140000", HOT_SHARDS)
        return [HOT_PLACE]
    places = counties()
    for code, parent in places:
        jurisdictions.ensure(
            session, SYSTEM, code=code, name=f"压测县{code}", level="county", parent_code=parent
        )
        fund(code, 1)
    return [code for code, _ in places]


def add_consumers(session: Any, places: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` issued quotas, up to four categories per consumer, the consumers spread
    round-robin over ``places``; returns (code, category) with consecutive entries
    belonging to different consumers."""
    from huanxin.claims.models import Quota
    from huanxin.claims.service.quotas import QUOTA_VALID_DAYS, new_code
    from huanxin.core import pii
    from huanxin.core.clock import utcnow
    from huanxin.core.models import User

    now, people = utcnow(), -(-count // len(CATEGORIES))
    expires, period = now + timedelta(days=QUOTA_VALID_DAYS), "2025-01-01..2025-12-31"
    user_rows, keys = [], []
    for n in range(people):
        place = places[n % len(places)]
        rid = resident_id(n, place)
        keys.append((pii.lookup_hash("resident_id", rid), place))
        user_rows.append(
            {
                "username": f"bench.c{n}",
                "display_name": f"压测消费者{n}",
                "password_hash": "!",
                "role": "consumer",
                "jurisdiction_code": place,
                "resident_id_enc": pii.seal(rid),
                "resident_id_hash": keys[-1][0],
                "active": True,
                "created_at": now,
            }
        )
    session.execute(insert(User), user_rows)
    found = session.execute(
        select(User.resident_id_hash, User.id).where(User.username.like("bench.c%"))
    )
    ids = dict(found.all())
    codes: set[str] = set()
    quota_rows, out = [], []
    for n in range(count):  # consecutive quotas belong to consecutive people (and places)
        key, place = keys[n % people]
        category = CATEGORIES[n // people]
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        out.append((code, category))
        quota_rows.append(
            {
                "code": code,
                "person_key": key,
                "consumer_user_id": ids[key],
                "programme_id": PROGRAMME,
                "category": category,
                "period_key": period,
                "slot": 1,
                "jurisdiction_code": place,
                "state": "issued",
                "expires_at": expires,
                "created_at": now,
            }
        )
    session.execute(insert(Quota), quota_rows)
    return out


def load(url: str, case: str, quotas: int, policies_dir: Path | None = None) -> Loaded:
    """Migrate ``url`` and load the case; returns the merchant token and the quota codes."""
    from huanxin.db import Database
    from huanxin.migrate import upgrade

    upgrade(url)
    db = Database(url)
    try:
        with db.unit_of_work() as session:
            token = load_world(session, policies_dir)
            places = fund_case(session, case)
            codes = add_consumers(session, places, quotas)
    finally:
        db.dispose()
    return Loaded(token=token, quotas=codes)


@dataclass
class Loaded:
    token: str
    quotas: list[tuple[str, str]]


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a server on ``url`` that shares this process's secret key."""
    from huanxin.config import get_settings

    env = dict(os.environ)
    env.update(
        {
            "HUANXIN_DATABASE_URL": url,
            "HUANXIN_SECRET_KEY": get_settings().secret_key,
            "HUANXIN_MIGRATE_ON_START": "false",
            "HUANXIN_COOKIE_SECURE": "false",
        }
    )
    env.update(extra)
    return env


def start_server(
    url: str, port: int, *, workers: int = 1, log: Path | None = None, **env: str
) -> subprocess.Popen[bytes]:
    """``uvicorn huanxin.asgi:app`` (with one worker, the server runs in this very process).

    The server's JSON log lines (one per request) go to ``log`` when given, so a benchmark's
    own output is not flooded with them; otherwise to this process's stderr."""
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "huanxin.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-worker-healthcheck",
        "60",
    ]
    stderr = log.open("ab") if log is not None else None
    try:
        return subprocess.Popen(
            args, env=server_env(url, **env), stdout=subprocess.DEVNULL, stderr=stderr
        )
    finally:
        if stderr is not None:
            stderr.close()  # the child holds its own copy


def wait_ready(
    base: str,
    proc: subprocess.Popen[bytes],
    *,
    path: str = "/api/v1/health",
    timeout: float = 180.0,
) -> None:
    """Poll ``path`` until it answers 200 (a static file needs no database transaction)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(base + path, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start in time")
