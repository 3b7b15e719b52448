"""The Chinese pages: the office overview, the dealer desk, the consumer estimate and complaint,
the public certificate check, trading and the 公务仓."""

from __future__ import annotations

import re

from huanxin.db import Database
from secondhand.shworld import SELLER_ID, World, post, register_dealers, wipe


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_dealer_desk_registers_and_refuses_with_the_reason(world: World) -> None:
    register_dealers(world)
    web = world.web("dealer.140521")
    page = web.get("/secondhand/desk")
    assert page.status_code == 200 and "登记交易" in page.text
    form = {"csrf_token": _csrf(page.text), "direction": "resale", "category": "phone", "brand": "华为",
            "model": "Mate 40", "serial": "860000000000001", "made_year": "2022", "grade": "B",
            "price": "1500.50", "traded_on": "2026-03-01", "seller_name": "张三",
            "seller_resident_id": SELLER_ID, "buyer_name": "李四", "buyer_resident_id": SELLER_ID}  # fmt: skip
    refused = web.post("/secondhand/desk/transactions", data=form)
    assert refused.status_code == 409 and "数据清除证明" in refused.text
    assert SELLER_ID not in refused.text  # the ID is not echoed back
    ok = web.post("/secondhand/desk/transactions", data={**form, "direction": "acquire"})
    assert ok.status_code == 303
    listed = web.get("/secondhand/desk").text
    assert "1500.50" in listed and "张*" in listed and "张三" not in listed


def test_public_check_page_needs_no_login(world: World) -> None:
    register_dealers(world)
    cert = post(world.api("dealer.140521"), "/api/v1/secondhand/wipes", wipe()).json()[
        "certificate"
    ]
    anonymous = world.client()
    page = anonymous.get("/secondhand/check", params={"code": cert["verify_code"]})
    assert page.status_code == 200 and "860000000000001" in page.text and "有效" in page.text
    assert "王" not in page.text
    bad = anonymous.get("/secondhand/check", params={"code": "ZZZZ"})
    assert bad.status_code == 404 and "验证码无效" in bad.text


def test_role_pages_render(world: World) -> None:
    register_dealers(world)
    for user, url, text in (("office.140521", "/secondhand", "二手车交易量"),
                            ("office.140521", "/secondhand/warehouse/admin", "按单位和年度统计"),
                            ("consumer.140521", "/secondhand/estimate?category=phone&model=X&made_year=2022&grade=B", "样本不足"),
                            ("ent-a.140521", "/secondhand/trade", "发布挂牌"),
                            ("ent-a.140521", "/secondhand/warehouse", "尚未登记为公共机构")):  # fmt: skip
        page = world.web(user).get(url)
        assert page.status_code == 200, (url, page.text[:300])
        assert text in page.text, url
    assert world.web("consumer.140521").get("/secondhand").status_code == 403


def test_consumer_complaint_form(world: World, database: Database) -> None:
    ids = register_dealers(world)
    web = world.web("consumer.140521")
    page = web.get("/secondhand/estimate")
    r = web.post("/secondhand/complaints", data={"csrf_token": _csrf(page.text), "dealer_id": str(ids["dealer"]),
                                                "occurred_on": "2026-03-01", "description": "以次充好"})  # fmt: skip
    assert r.status_code == 303
    events = (
        world.api("office.140521")
        .get(f"/api/v1/secondhand/dealers/{ids['dealer']}/credit")
        .json()["events"]
    )
    assert [(e["kind"], e["outcome"], e["description"]) for e in events] == [
        ("complaint", "pending", "以次充好")
    ]
