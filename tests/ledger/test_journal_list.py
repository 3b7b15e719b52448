"""A pool's whole journal pages through every leg (the pool page shows only the newest),
filters by kind and account, searches by business number and exports what is filtered — on
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.db import Database
from huanxin.ledger import journal_pages
from huanxin.ledger.models import Entry, Shard
from huanxin.web import pages as web_pages

from .conftest import PoolFactory
from .test_ledger_web import PASSWORD, _app, _user


def _client(db: Database, username: str) -> TestClient:
    app = _app(db)
    app.include_router(journal_pages.router)
    client = TestClient(app, follow_redirects=False)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    assert web_pages.router  # the login page comes from the shared pages
    return client


def _legs(db: Database, pool_id: int, n: int) -> None:
    start = datetime(2030, 5, 1, tzinfo=UTC)  # after the allocation
    with db.unit_of_work() as session:
        shard = session.scalars(select(Shard).where(Shard.pool_id == pool_id)).first()
        assert shard is not None
        for k in range(n):
            session.add(
                Entry(
                    movement=f"m{k}",
                    pool_id=pool_id,
                    shard_id=shard.id,
                    account="reserved" if k % 2 else "available",
                    amount_fen=(k + 1) * (1 if k % 2 else -1),
                    kind="reserve",
                    ref=f"claim:{90_000 + k}",
                    note="",
                    at=start + timedelta(minutes=k),
                )
            )


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def test_journal_pages_through_every_leg_and_exports_the_filtered(
    database: Database, fresh_pool: PoolFactory
) -> None:
    _user(database, "office", "140521")
    _user(database, "office", "371525")
    pool = fresh_pool(allocate=1_000_000)
    _legs(database, pool, 260)
    office = _client(database, "office.140521")
    url = f"/ledger/pools/{pool}/journal"
    first = office.get(url).text
    total = _count(first)
    assert total >= 261  # the 260 legs and the allocation's
    refs: list[str] = []
    for number in range(1, -(-total // 50) + 1):
        refs += re.findall(
            r'data-label="业务编号">([^<]*)<', office.get(f"{url}?page={number}").text
        )
    assert len(refs) == total and len({r for r in refs if r.startswith("补贴申请 ")}) == 260
    assert refs[0] == "补贴申请 90259"  # newest first
    assert _count(office.get(f"{url}?kind=reserve&account=reserved").text) == 130
    found = office.get(f"{url}?q=claim:90077").text
    assert _count(found) == 1 and "补贴申请 90077" in found
    assert 'href="' + url + '"' in office.get(f"/ledger/pools/{pool}").text

    sheet = office.get(f"{url}.xlsx?kind=reserve&account=reserved&sort=amount")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "类型", "业务编号") and len(rows) == 131
    assert {r[1] for r in rows[1:]} == {"预留"} and {r[3] for r in rows[1:]} == {"预留"}
    amounts = [float(r[5]) for r in rows[1:]]  # type: ignore[arg-type]
    assert amounts == sorted(amounts)
    assert _client(database, "office.371525").get(url).status_code == 404


def test_the_journal_api_pages_through_every_leg(
    database: Database, fresh_pool: PoolFactory
) -> None:
    _user(database, "office", "140521")
    _user(database, "office", "371525")
    pool = fresh_pool(allocate=1_000_000)
    _legs(database, pool, 130)
    api = builders.api_client(database, "office.140521")
    url = f"/api/v1/ledger/pools/{pool}/journal"
    first = api.get(url, params={"account": "reserved", "limit": 50})
    assert first.headers["X-Total-Count"] == "65" and len(first.json()) == 50
    rest = api.get(builders.next_link(first))
    assert "Link" not in rest.headers and len(rest.json()) == 15
    legs = first.json() + rest.json()
    assert {e["account"] for e in legs} == {"reserved"} and len({e["id"] for e in legs}) == 65
    ids = [e["id"] for e in legs]
    assert ids == sorted(ids, reverse=True)
    assert int(api.get(url).headers["X-Total-Count"]) > 130  # the allocation's legs too
    assert api.get(url + "?limit=0").json()["field"] == "limit"
    other = builders.api_client(database, "office.371525").get(url)
    assert other.status_code in (403, 404)
