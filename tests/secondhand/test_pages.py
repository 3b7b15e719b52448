"""The Chinese pages: the office overview, the dealer desk, the consumer estimate and complaint,
the public certificate check, trading and the 公务仓."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from huanxin.db import Database
from huanxin.secondhand.models import Dealer, Listing, Transaction, WarehouseItem
from secondhand.shworld import (
    BUYER_ID,
    DEALER_USCC,
    SELLER_ID,
    World,
    post,
    register_dealers,
    txn,
    wipe,
)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_dealer_desk_registers_and_refuses_with_the_reason(world: World) -> None:
    register_dealers(world)
    web = world.web("dealer.140521")
    page = web.get("/secondhand/desk")
    assert page.status_code == 200 and "登记交易" in page.text
    form = {
        "csrf_token": _csrf(page.text),
        "direction": "resale",
        "category": "phone",
        "brand": "华为",
        "model": "Mate 40",
        "serial": "860000000000001",
        "made_year": "2022",
        "grade": "B",
        "price": "1500.50",
        "traded_on": "2026-03-01",
        "seller_name": "张三",
        "seller_resident_id": SELLER_ID,
        "buyer_name": "李四",
        "buyer_resident_id": SELLER_ID,
    }
    refused = web.post("/secondhand/desk/transactions", data=form)
    assert refused.status_code == 409 and "数据清除证明" in refused.text
    assert SELLER_ID not in refused.text  # the ID is not echoed back
    ok = web.post("/secondhand/desk/transactions", data={**form, "direction": "acquire"})
    assert ok.status_code == 303
    listed = web.get("/secondhand/desk").text
    assert "1,500.50" in listed and "张*" in listed and "张三" not in listed


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
    for user, url, text in (
        ("office.140521", "/secondhand", "二手车交易量"),
        ("office.140521", "/secondhand/warehouse/admin", "按单位和年度统计"),
        (
            "consumer.140521",
            "/secondhand/estimate?category=phone&model=X&made_year=2022&grade=B",
            "样本不足",
        ),
        ("ent-a.140521", "/secondhand/trade", "发布挂牌"),
        ("ent-a.140521", "/secondhand/warehouse", "尚未登记为公共机构"),
    ):
        page = world.web(user).get(url)
        assert page.status_code == 200, (url, page.text[:300])
        assert text in page.text, url
    assert world.web("consumer.140521").get("/secondhand").status_code == 403


def test_consumer_complaint_form(world: World, database: Database) -> None:
    ids = register_dealers(world)
    web = world.web("consumer.140521")
    page = web.get("/secondhand/estimate")
    r = web.post(
        "/secondhand/complaints",
        data={
            "csrf_token": _csrf(page.text),
            "dealer_id": str(ids["dealer"]),
            "occurred_on": "2026-03-01",
            "description": "以次充好",
        },
    )
    assert (r.status_code, r.headers["location"]) == (303, "/secondhand/complaints?done=1")
    events = (
        world.api("office.140521")
        .get(f"/api/v1/secondhand/dealers/{ids['dealer']}/credit")
        .json()["events"]
    )
    assert [(e["kind"], e["outcome"], e["description"]) for e in events] == [
        ("complaint", "pending", "以次充好")
    ]


def _count(w: World, model: type) -> int:
    with w.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_office_registers_a_dealer_on_the_overview_page(world: World) -> None:
    web = world.web("office.140521")
    page = web.get("/secondhand")
    form = {
        "csrf_token": _csrf(page.text),
        "org_id": str(world.ids["dealer_org"]),
        "kind": "dealer",
        "uscc": DEALER_USCC[:-1] + ("1" if DEALER_USCC[-1] != "1" else "2"),
        "licence_no": "L-1",
        "categories": ["phone", "car"],
    }
    bad = web.post("/secondhand/dealers", data=form)
    assert bad.status_code == 422 and "统一社会信用代码" in bad.text
    assert _count(world, Dealer) == 0
    assert web.post("/secondhand/dealers", data={**form, "uscc": DEALER_USCC}).status_code == 303
    listed = web.get("/secondhand").text
    assert (
        "沁水诚信二手手机店" in listed and "二手车 手机" in listed and "近一年无失信记录" in listed
    )


def test_desk_refuses_a_grade_outside_the_scale_and_saves_nothing(world: World) -> None:
    register_dealers(world)
    web = world.web("dealer.140521")
    form = {
        "csrf_token": _csrf(web.get("/secondhand/desk").text),
        "direction": "acquire",
        "category": "phone",
        "brand": "华为",
        "model": "Mate 40",
        "serial": "860000000000001",
        "made_year": "2022",
        "grade": "S",
        "price": "1500",
        "traded_on": "2026-03-01",
        "seller_name": "张三",
        "seller_resident_id": SELLER_ID,
        "buyer_name": "李四",
        "buyer_resident_id": BUYER_ID,
    }
    r = web.post("/secondhand/desk/transactions", data=form)
    assert r.status_code == 422 and "成色等级不在允许范围内" in r.text
    assert _count(world, Transaction) == 0


def test_duplicate_serial_on_an_open_listing_is_refused_on_the_page(world: World) -> None:
    web = world.web("ent-a.140521")
    form = {
        "csrf_token": _csrf(web.get("/secondhand/trade").text),
        "title": "空压机",
        "category": "空压机",
        "brand": "阿特拉斯",
        "model": "GA37",
        "serial": "AC-2015-7",
        "condition": "B",
        "price": "30000",
    }
    assert web.post("/secondhand/trade/listings", data=form).status_code == 303
    again = world.web("ent-b.140521")
    form["csrf_token"] = _csrf(again.get("/secondhand/trade").text)
    r = again.post("/secondhand/trade/listings", data={**form, "serial": "ac-2015-7"})
    assert r.status_code == 409 and "该序列号的设备已有未结束的挂牌" in r.text
    assert _count(world, Listing) == 1


def test_warehouse_flow_through_the_pages(world: World) -> None:
    register_dealers(world)
    office_api = world.api("office.140521")
    for key in ("ent_a", "ent_b"):
        post(office_api, "/api/v1/secondhand/institutions", {"org_id": world.ids[key]})
    inst_a, inst_b, office = (
        world.web("ent-a.140521"),
        world.web("ent-b.140521"),
        world.web("office.140521"),
    )
    csrf_a = _csrf(inst_a.get("/secondhand/warehouse").text)
    asset = {
        "csrf_token": csrf_a,
        "asset_no": "ZC-9",
        "category": "projector",
        "brand": "爱普生",
        "model": "CB-X06",
        "serial": "PJ0009",
        "acquired_year": "20x6",
    }
    bad = inst_a.post("/secondhand/warehouse/declare", data=asset)
    assert bad.status_code == 422 and "必须是整数" in bad.text
    assert _count(world, WarehouseItem) == 0
    assert (
        inst_a.post(
            "/secondhand/warehouse/declare", data={**asset, "acquired_year": "2016"}
        ).status_code
        == 303
    )
    pc = {
        **asset,
        "asset_no": "ZC-10",
        "category": "computer",
        "serial": "PC0010",
        "acquired_year": "2015",
    }
    assert inst_a.post("/secondhand/warehouse/declare", data=pc).status_code == 303
    with world.db.sessions() as session:
        proj, comp = session.scalars(select(WarehouseItem.id).order_by(WarehouseItem.id)).all()
    csrf_o = _csrf(office.get("/secondhand/warehouse/admin").text)
    for item in (proj, comp):
        r = office.post(
            f"/secondhand/warehouse/{item}/office/review",
            data={"csrf_token": csrf_o, "accept": "yes"},
        )
        assert r.status_code == 303
    csrf_b = _csrf(inst_b.get("/secondhand/warehouse").text)
    assert (
        inst_b.post(f"/secondhand/warehouse/{proj}/claim", data={"csrf_token": csrf_b}).status_code
        == 303
    )
    auction = office.post(
        f"/secondhand/warehouse/{proj}/office/approve",
        data={"csrf_token": csrf_o, "route": "auction"},
    )
    assert auction.status_code == 409 and "应优先调剂" in auction.text
    assert "退回申领" in office.get("/secondhand/warehouse/admin").text
    empty = office.post(
        f"/secondhand/warehouse/{proj}/office/release", data={"csrf_token": csrf_o, "note": ""}
    )
    assert empty.status_code == 422 and "原因不能为空" in empty.text
    released = office.post(
        f"/secondhand/warehouse/{proj}/office/release",
        data={"csrf_token": csrf_o, "note": "申领单位未按期提货"},
    )
    assert released.status_code == 303
    assert (
        inst_b.post(f"/secondhand/warehouse/{proj}/claim", data={"csrf_token": csrf_b}).status_code
        == 303
    )
    for step, data in (("approve", {"route": "transfer"}), ("complete", {})):
        r = office.post(
            f"/secondhand/warehouse/{proj}/office/{step}", data={"csrf_token": csrf_o, **data}
        )
        assert r.status_code == 303, r.text[:300]
    recycle = {
        "csrf_token": csrf_o,
        "route": "recycle",
        "recycler_org_id": str(world.ids["recycler"]),
    }
    assert (
        office.post(f"/secondhand/warehouse/{comp}/office/approve", data=recycle).status_code == 303
    )
    bare = office.post(f"/secondhand/warehouse/{comp}/office/complete", data={"csrf_token": csrf_o})
    assert bare.status_code == 409 and "数据清除证明" in bare.text
    cert = post(
        world.api("dealer.140521"),
        "/api/v1/secondhand/wipes",
        wipe(category="computer", serial="PC0010"),
    ).json()["certificate"]
    done = office.post(
        f"/secondhand/warehouse/{comp}/office/complete",
        data={"csrf_token": csrf_o, "certificate_no": cert["cert_no"]},
    )
    assert done.status_code == 303
    with world.db.sessions() as session:
        states = session.execute(
            select(WarehouseItem.state, WarehouseItem.route).order_by(WarehouseItem.id)
        ).all()
    assert [tuple(s) for s in states] == [("done", "transfer"), ("done", "recycle")]
    stats = office.get("/secondhand/warehouse/admin").text
    row = stats.split('<table id="wh-stats">', 1)[1]
    assert "沁水县机关事务中心" in row and '<td class="num">2</td>' in row


def test_estimate_page_shows_the_median_and_its_confidence(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    for n, price in enumerate([100000, 110000, 120000, 130000, 400000]):
        body = txn(
            serial=f"86000000000010{n}", price_fen=price, traded_on="2026-02-01", made_year=2024
        )
        assert post(dealer, "/api/v1/secondhand/transactions", body).status_code == 201
    page = world.web("consumer.140521").get(
        "/secondhand/estimate",
        params={"category": "phone", "model": "Mate 40", "made_year": "2024", "grade": "B"},
    )
    assert page.status_code == 200
    assert "中位数 <strong>1,200.00 元</strong>，区间 1,100.00–1,300.00 元" in page.text
    assert "样本5条 · 可信度：低" in page.text
    bad = world.web("consumer.140521").get(
        "/secondhand/estimate",
        params={"category": "phone", "model": "Mate 40", "made_year": "2024", "grade": "Z"},
    )
    assert bad.status_code == 422 and "成色等级不在允许范围内" in bad.text
