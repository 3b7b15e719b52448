"""The merchant's till: a catalogue model found by model number, brand (characters, pinyin,
initials), category name or 69 barcode; a sale whose category comes from the picked model;
the consumer's receipt with the subsidy arithmetic (price, rate, cap, subsidy, paid); "下一笔"
back to an empty form at the same till; refusals in Chinese naming the field, nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import CatalogueProduct, Claim
from huanxin.claims.service import till
from huanxin.core.clock import utcnow
from huanxin.core.vocab import CATEGORIES
from huanxin.db import Database

HAIER = "6901234567892"
MIDEA = "6901234567885"


def _catalogue(db: Database) -> None:
    rows = [
        ("refrigerator", "海尔", "BCD-500", 1, 599900, HAIER),
        ("refrigerator", "美的", "BCD-300", 1, 399900, MIDEA),
        ("washing_machine", "小天鹅", "TG100", 1, 299900, None),
        ("television", "海信", "65E5", 1, 499900, None),
    ]
    with db.unit_of_work() as session:
        for category, brand, model, grade, price, barcode in rows:
            session.add(
                CatalogueProduct(
                    category=category,
                    brand=brand,
                    model=model,
                    grade=grade,
                    list_price_fen=price,
                    barcode=barcode,
                    valid_from=date(2024, 1, 1),
                    created_at=utcnow(),
                )
            )


def _models(db: Database, text: str) -> list[str]:
    with db.sessions() as session:
        hits = till.suggest_models(session, text=text, on_date=date(2025, 6, 1))
    return [h.model for h in hits]


def test_models_found_by_number_brand_pinyin_category_and_barcode(database: Database) -> None:
    tradein.setup(database)
    _catalogue(database)
    assert _models(database, "bcd") == ["BCD-300", "BCD-500"]
    assert _models(database, "bcd-5") == ["BCD-500"]
    assert _models(database, "海尔") == ["BCD-500"]
    assert _models(database, "haier") == ["BCD-500"]
    assert _models(database, "hx") == ["65E5"]  # 海信's initials
    assert _models(database, "xte") == ["TG100"]  # 小天鹅
    assert _models(database, "洗衣机") == ["TG100"]
    assert _models(database, MIDEA) == ["BCD-300"]
    assert _models(database, "6901234567000") == []
    assert _models(database, "  ") == []
    with database.sessions() as session:
        only_tv = CATEGORIES.restricted(["television"])
        hits = till.suggest_models(session, text="海", on_date=date(2025, 6, 1), vocabulary=only_tv)
        assert [h.model for h in hits] == ["65E5"] and hits[0].category_label == "电视"


def test_models_api_names_the_category(database: Database) -> None:
    tradein.setup(database)
    _catalogue(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.get("/api/v1/catalogue/models", params={"q": "he", "on": "2025-06-01"})
    assert r.status_code == 200, r.text
    assert r.json() == [
        {
            "category": "refrigerator",
            "category_label": "电冰箱",
            "brand": "海尔",
            "model": "BCD-500",
            "grade": 1,
            "list_price_fen": 599900,
            "barcode": HAIER,
        }
    ]
    consumer = builders.api_client(database, "consumer.140521")
    assert consumer.get("/api/v1/catalogue/models", params={"q": "he"}).status_code == 403
    long = merchant.get("/api/v1/catalogue/models", params={"q": "x" * 500})
    assert long.status_code == 422 and "\u4e00" <= long.json()["message"][0] <= "\u9fff"


def _quota(db: Database) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q1"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _csrf(page: TestClient, path: str) -> str:
    return page.get(path).text.split('name="csrf_token" value="')[1].split('"')[0]


def _sale(csrf: str, code: str, **overrides: str) -> dict[str, Any]:
    data = {
        "csrf_token": csrf,
        "quota_code": code,
        "category": "",
        "product_model": "BCD-500",
        "barcode": HAIER,
        "device_serial": "SN-TILL-1",
        "grade": "",
        "price": "5999",
        "invoice_no": "25142000000012345678",
        "purchase_date": "2025-06-01",
        "terminal_id": "T1",
    }
    data.update(overrides)
    return data


def _till(db: Database, page: TestClient) -> None:
    csrf = _csrf(page, "/merchant/sites")
    store = page.post(
        "/merchant/stores",
        data={
            "csrf_token": csrf,
            "store_name": "沁水大卖场",
            "address": "龙港镇",
            "lat": "35.69",
            "lon": "112.19",
        },
    )
    assert store.status_code == 303, store.text
    with db.sessions() as session:
        from huanxin.claims.models import MerchantStore

        store_id = session.scalars(select(MerchantStore.id)).one()
    till_r = page.post(
        "/merchant/tills", data={"csrf_token": csrf, "store_id": str(store_id), "terminal_id": "T1"}
    )
    assert till_r.status_code == 303, till_r.text


def _count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Claim)) or 0


def test_till_sale_receipt_and_next_sale(database: Database) -> None:
    tradein.setup(database)
    _catalogue(database)
    code = _quota(database)
    page = builders.web_client(database, "merchant.140521")
    _till(database, page)
    form = page.get("/merchant/redeem?terminal_id=T1").text
    assert "沁水大卖场 · T1" in form and '<option value="T1" selected>' in form
    csrf = _csrf(page, "/merchant/redeem")

    wrong = page.post("/merchant/redeem", data=_sale(csrf, code, barcode=MIDEA))
    assert wrong.status_code == 422 and "商品条码" in wrong.text and "条码不符" in wrong.text
    assert 'value="SN-TILL-1"' in wrong.text  # the form is kept
    blank = page.post("/merchant/redeem", data=_sale(csrf, code, product_model="NOPE-1"))
    assert blank.status_code == 422 and "请选择品类，或从商品目录中选择型号" in blank.text
    assert 'id="category-error"' in blank.text
    assert _count(database) == 0

    done = page.post("/merchant/redeem", data=_sale(csrf, code))
    assert done.status_code == 303, done.text
    target = done.headers["location"]
    with database.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert claim.category == "refrigerator" and claim.grade == 1
        assert target == f"/claims/{claim.id}/receipt"
    receipt = page.get(target).text
    for text in (
        "沁水大卖场",
        "电冰箱 · 海尔 BCD-500",
        "5,999.00 元",
        "按售价20%，单件上限 2,000.00 元",
        '<span id="subsidy">1,199.80</span>',
        '<td class="num" id="consumer-pays">4,799.20 元</td>',
        "售价5,999.00元×20%=1,199.80元",
        "已核销待审核",
        'href="/merchant/redeem?terminal_id=T1"',
        "/static/till.css",
    ):
        assert text in receipt, text
    assert "14052119900101123X" not in receipt


def test_receipt_api_and_who_may_read_it(database: Database) -> None:
    tradein.setup(database)
    _catalogue(database)
    code = _quota(database)
    merchant = builders.api_client(database, "merchant.140521")
    sale = tradein.sale(quota_code=code, barcode=HAIER)
    made = merchant.post("/api/v1/redemptions", json=sale, headers={"Idempotency-Key": "s1"})
    assert made.status_code == 201, made.text
    claim_id = made.json()["id"]
    r = merchant.get(f"/api/v1/claims/{claim_id}/receipt")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["price_fen"], body["subsidy_fen"], body["consumer_pays_fen"]) == (
        599900,
        119980,
        479920,
    )
    assert body["price_fen"] - body["subsidy_fen"] == body["consumer_pays_fen"]
    assert sum(line["amount_fen"] for line in body["lines"]) == body["subsidy_fen"]
    assert body["lines"][0]["basis"] == "按售价20%" and body["lines"][0]["cap_fen"] == 200000
    assert sum(f["amount_fen"] for f in body["funding"]) == body["subsidy_fen"]
    assert body["brand"] == "海尔" and body["category_label"] == "电冰箱"
    assert body["consumer"].endswith("*") and body["quota_code"] == code
    consumer = builders.api_client(database, "consumer.140521")
    assert consumer.get(f"/api/v1/claims/{claim_id}/receipt").status_code == 200
    other = builders.api_client(database, "office.371525")
    assert other.get(f"/api/v1/claims/{claim_id}/receipt").status_code in (403, 404)
