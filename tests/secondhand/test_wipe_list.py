"""The bureau's wipe records (/secondhand/certificates) page through every record (the page
showed the newest 200), newest first, filter by certificate state, method and category, find
a record by serial, certificate number or dealer, and export what is filtered — on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core import pii
from huanxin.core.models import User
from huanxin.secondhand.models import WipeCertificate, WipeRecord
from secondhand.shworld import World, register_dealers

STATES = ("valid", "used", "revoked", None)  # None: verification failed, no certificate


def _wipes(world: World, dealers: dict[str, int], n: int) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with world.db.unit_of_work() as session:
        author = session.scalars(select(User.id).where(User.username == "dealer.140521")).one()
        for k in range(n):
            state = STATES[k % 4]
            row = WipeRecord(
                dealer_id=dealers["dealer" if k % 2 == 0 else "platform"],
                jurisdiction_code="140521",
                category="phone" if k % 3 else "computer",
                brand="荣耀" if k == 17 else "华为",
                model=f"M{k}",
                serial=f"8600000000{k:05d}",
                method="purge" if k % 5 else "destroy",
                tool="擦除工具",
                operator_enc=pii.seal("王五"),
                wiped_at=start + timedelta(hours=k),
                verified=state is not None,
                created_by=author,
                created_at=start,
            )
            session.add(row)
            session.flush()
            if state is not None:
                session.add(
                    WipeCertificate(
                        wipe_id=row.id,
                        cert_no=f"WC2026{k:08d}",
                        verify_code=f"V{k:07d}",
                        serial=row.serial,
                        status=state,
                        issued_at=start,
                        revoke_reason="清除不彻底" if state == "revoked" else None,
                    )
                )


def _serials(html: str) -> list[str]:
    return re.findall(r'data-label="序列号">(\d+)<', html)


def test_wipe_records_page_filter_search_and_export(world: World) -> None:
    _wipes(world, register_dealers(world), 230)  # more than the 200 the page stopped at
    web = world.web("office.140521")
    opening = web.get("/secondhand/certificates").text
    assert builders.list_total(opening) == 230 and len(_serials(opening)) == 50
    assert _serials(opening)[0] == "860000000000229"  # newest wipe first
    pages = [_serials(web.get(f"/secondhand/certificates?page={n}").text) for n in range(1, 6)]
    assert len({s for p in pages for s in p}) == 230
    revoked = web.get("/secondhand/certificates?state=revoked").text
    assert builders.list_total(revoked) == 57 and "清除不彻底" in revoked
    none = web.get("/secondhand/certificates?state=none&method=destroy").text
    assert builders.list_total(none) == 11  # k % 4 == 3 and k % 5 == 0: k = 15, 35, …, 215
    for q in ("荣耀", "860000000000017", "8600 0000 0000 017", "WC202600000017"):
        found = web.get("/secondhand/certificates", params={"q": q}).text
        assert _serials(found) == ["860000000000017"], q
    platform = web.get("/secondhand/certificates", params={"q": "交易平台"}).text
    assert builders.list_total(platform) == 115
    oldest = web.get("/secondhand/certificates?sort=wiped").text
    assert _serials(oldest)[0] == "860000000000000"

    sheet = web.get("/secondhand/certificates.xlsx", params={"state": "revoked", "sort": "serial"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("经营者", "品类", "设备", "序列号")
    assert len(rows) == 1 + 57 and {r[8] for r in rows[1:]} == {"已撤销"}
    assert rows[1][3] == "860000000000002" and rows[1][0] == "沁水诚信二手手机店"
    assert rows[1][9] == "清除不彻底"


def test_the_office_of_another_county_sees_none_of_them(world: World) -> None:
    _wipes(world, register_dealers(world), 3)
    other = world.web("office.371525").get("/secondhand/certificates").text
    assert builders.list_total(other) == 0 and "暂无记录" in other
