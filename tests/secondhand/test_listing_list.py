"""The market (/secondhand/trade) pages through every listing (it showed the newest 300),
opens on the open ones, filters by state and condition, finds a listing by title, serial or
seller, and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core.models import User
from huanxin.secondhand.models import Listing
from secondhand.shworld import World

STATES = ("listed", "under_offer", "delivered")  # two open, one closed


def _listings(world: World, n: int) -> None:
    with world.db.unit_of_work() as session:
        author = session.scalars(select(User.id).where(User.username == "ent-a.140521")).one()
        for k in range(n):
            session.add(
                Listing(
                    seller_org_id=world.ids["ent_a" if k % 2 == 0 else "ent_b"],
                    jurisdiction_code="140521",
                    title=f"旧机床{k:03d}",
                    category="machine",
                    brand="沈阳" if k == 16 else "品牌",
                    model=f"M{k}",
                    serial=f"SN{k:05d}",
                    condition="B" if k % 5 else "D",
                    asking_price_fen=100_000 + k,
                    state=STATES[k % 3],
                    created_by=author,
                    created_at=datetime(2026, 5, 1, tzinfo=UTC),
                )
            )


def _titles(html: str) -> list[str]:
    return re.findall(r">(旧机床\d{3})</a>", html)


def test_market_pages_filters_searches_and_exports(world: World) -> None:
    _listings(world, 90)  # 60 open: more than one page of 50
    web = world.web("ent-a.140521")
    opening = web.get("/secondhand/trade").text
    assert builders.list_total(opening) == 60 and len(_titles(opening)) == 50
    assert _titles(opening)[0] == "旧机床088"  # newest first; 089 is delivered
    second = _titles(web.get("/secondhand/trade?page=2").text)
    assert len(set(_titles(opening) + second)) == 60
    everything = web.get("/secondhand/trade?state=all").text
    assert builders.list_total(everything) == 90 and "B 良好（95新）" in everything
    assert builders.list_total(web.get("/secondhand/trade?state=delivered").text) == 30
    worn = web.get("/secondhand/trade?state=all&condition=D&sort=price").text
    assert builders.list_total(worn) == 18 and _titles(worn)[0] == "旧机床000"
    for q in ("沈阳", "SN00016", "旧机床016"):
        assert _titles(web.get("/secondhand/trade", params={"q": q}).text) == ["旧机床016"]
    school = web.get("/secondhand/trade", params={"q": "第一中学", "state": "all"}).text
    assert builders.list_total(school) == 45

    sheet = web.get("/secondhand/trade.xlsx", params={"condition": "D", "sort": "-price"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("编号", "标题", "卖方", "成色", "挂牌价（元）", "状态")
    assert len(rows) == 1 + 12 and {r[3] for r in rows[1:]} == {"D 较差（8成新及以下）"}
    assert rows[1][1] == "旧机床085" and rows[1][2] == "沁水县第一中学"
