"""Trade-in in the browser: a consumer claims a quota on a phone, a merchant redeems it on a
phone, the consumer sees the claim and its arithmetic; the office sees the review queue."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from builders import ui_login as login

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
SHOTS = os.environ.get("HUANXIN_SHOTS")  # a directory to keep screenshots in, when set


def test_quota_redeem_and_status_on_a_phone(browser: Any, server: str) -> None:
    consumer = login(browser, server, "consumer.140521", **PHONE)
    consumer.goto(server + "/my")
    consumer.fill("input[name=category]", "refrigerator")
    consumer.click("form[action='/my/quotas'] button")
    code = consumer.locator("#quotas td.code").first.inner_text().strip()
    assert len(code) == 10

    merchant = login(browser, server, "merchant.140521", **PHONE)
    merchant.goto(server + "/merchant/redeem")
    fields = {
        "quota_code": code,
        "category": "refrigerator",
        "product_model": "REF-500",
        "device_serial": "E2E-SN-0001",
        "grade": "1",
        "price": "5999",
        "invoice_no": "26142000000099990001",
    }
    for name, value in fields.items():
        merchant.fill(f"input[name={name}]", value)
    merchant.click("form[action='/merchant/redeem'] button[type=submit]", no_wait_after=True)
    merchant.wait_for_url(f"{server}/claims/*/receipt", timeout=90_000)  # a loaded machine
    assert merchant.inner_text("#claim-state") == "已核销待审核"
    assert merchant.inner_text("#subsidy") == "899.85"
    assert "售价5,999.00元×15%=899.85元" in merchant.inner_text("main")
    assert merchant.evaluate("document.documentElement.scrollWidth") <= 390

    consumer.goto(server + "/my")
    assert "899.85" in consumer.inner_text("#claims")
    consumer.close()
    merchant.close()


def test_duplicate_serial_shows_the_reason(browser: Any, server: str) -> None:
    merchant = login(browser, server, "merchant.371525", **PHONE)
    merchant.goto(server + "/merchant/redeem")
    merchant.fill("input[name=quota_code]", "NOSUCHCODE")
    merchant.fill("input[name=category]", "television")
    merchant.fill("input[name=product_model]", "TEL-100")
    merchant.fill("input[name=device_serial]", "E2E-0002")
    merchant.fill("input[name=price]", "2999")
    merchant.fill("input[name=invoice_no]", "26372000000099990002")
    merchant.click("form[action='/merchant/redeem'] button[type=submit]")
    assert "补贴资格" in merchant.inner_text(".error")
    merchant.close()


def test_office_review_queue_and_budget_pages(browser: Any, server: str) -> None:
    office = login(browser, server, "office.140521")
    office.goto(server + "/claims?state=submitted")
    assert "已申请待审核" in office.inner_text("h1")
    office.goto(server + "/ledger")
    assert office.locator("table").count() >= 1
    office.goto(server + "/programmes")
    assert "家电以旧换新" in office.inner_text("main")
    office.close()


def test_quote_by_chinese_name_on_a_phone(browser: Any, server: str) -> None:
    consumer = login(browser, server, "consumer.140521", **PHONE)
    consumer.goto(server + "/quote")
    assert consumer.locator("#category-options option[value='电冰箱']").count() == 1
    consumer.fill("input[name=category]", "冰箱")
    consumer.fill("input[name=price]", "3000")
    consumer.fill("input[name=grade]", "1")
    consumer.click("form[action='/quote'] button")
    total = consumer.inner_text("#quote-result h2")
    assert "合计补贴" in total and "合计补贴 0.00" not in total
    assert consumer.input_value("input[name=category]") == "电冰箱"
    assert consumer.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        consumer.screenshot(path=str(Path(SHOTS) / "quote-390.png"), full_page=True)
    consumer.fill("input[name=category]", "冰柜箱")
    consumer.click("form[action='/quote'] button")
    assert "品类“冰柜箱”不在可选范围内" in consumer.inner_text(".error")
    consumer.close()
