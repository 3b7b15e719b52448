"""The merchant's tills (/merchant/sites) page a page at a time (the page drew every till),
filter by store, are found by terminal id, sort and export what is filtered, and another
merchant's tills never show — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.claims.models import MerchantStore, MerchantTill
from huanxin.core.models import User
from huanxin.db import Database

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _tills(db: Database, username: str, prefix: str, n: int) -> list[int]:
    """Two stores of the merchant (东店, 西店) and ``n`` tills, even k in 东店."""
    with db.unit_of_work() as session:
        org = session.scalars(select(User.org_id).where(User.username == username)).one()
        stores = []
        for name in ("东店", "西店"):
            store = MerchantStore(
                org_id=org,
                jurisdiction_code="140521",
                name=f"{prefix}{name}",
                lat=35.69,
                lon=112.19,
                created_at=NOW,
            )
            session.add(store)
            session.flush()
            stores.append(store.id)
        for k in range(n):
            session.add(
                MerchantTill(
                    org_id=org,
                    store_id=stores[k % 2],
                    terminal_id=f"{prefix}T{k:03d}",
                    created_at=NOW + timedelta(minutes=k),
                )
            )
    return stores


def _terminals(html: str) -> list[str]:
    return re.findall(r'<td data-label="终端号">([^<]+)</td>', html)


def test_merchant_tills_page_filter_search_and_export(database: Database) -> None:
    builders.world(database, ("merchant", "140521"), ("merchant", "371525"))
    east, _ = _tills(database, "merchant.140521", "Q", 70)
    _tills(database, "merchant.371525", "G", 5)
    merchant = builders.web_client(database, "merchant.140521")
    first = merchant.get("/merchant/sites").text
    assert builders.list_total(first) == 70 and _terminals(first)[:2] == ["QT000", "QT001"]
    seen = _terminals(first) + _terminals(merchant.get("/merchant/sites?page=2").text)
    assert len(set(seen)) == 70 and not any(t.startswith("G") for t in seen)
    in_east = merchant.get(f"/merchant/sites?store_id={east}&sort=-terminal").text
    assert builders.list_total(in_east) == 35 and _terminals(in_east)[0] == "QT068"
    assert _terminals(merchant.get("/merchant/sites", params={"q": "qt042"}).text) == ["QT042"]
    assert builders.list_total(merchant.get("/merchant/sites", params={"q": "GT001"}).text) == 0

    sheet = merchant.get("/merchant/sites.xlsx", params={"store_id": str(east)})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("终端号", "所在门店", "登记时间") and len(rows) == 1 + 35
    assert rows[1][:2] == ("QT000", "Q东店")
