"""Each role walks its main journey as a person would, from its home page through its menu:
office, finance, department and enterprise on a desktop (1366 px); merchant, consumer and
driver on a phone (390×844). Screenshots of each step are kept under ``var/journeys`` (or
``$HUANXIN_SHOTS``) as test artefacts."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from builders import ui_login as login
from huanxin.claims.demo.till import PRODUCTS
from huanxin.core.clock import today_cn
from huanxin.core.identifiers import gtin_check_digit

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}}
SHOTS = Path(os.environ.get("HUANXIN_SHOTS") or Path(__file__).parents[2] / "var" / "journeys")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _open(page: Any, area: str, label: str) -> None:
    """Follow the menu as a person does: open the area (a long menu), click the entry."""
    summary = page.locator(f"nav.menu summary:has-text('{area}')")
    if summary.count():
        summary.click()
    page.click(f"nav.menu a:has-text('{label}')")
    page.wait_for_load_state("load")


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_office_finds_a_waiting_claim_and_reads_the_budget(browser: Any, server: str) -> None:
    office = login(browser, server, "office.140521", **DESKTOP)
    _shot(office, "office-1-home")
    _open(office, "补贴", "补贴申请")
    rows = office.locator("table tbody tr a[href^='/claims/']")
    assert rows.count() > 0
    rows.first.click()
    office.wait_for_load_state("load")
    assert office.locator("#claim-state").count() == 1
    _shot(office, "office-2-claim")
    _open(office, "资金", "预算资金")
    assert "预算资金池" in office.inner_text("main")
    _fits(office)
    _shot(office, "office-3-budget")
    office.close()


def test_finance_sees_batches_and_the_bank_file(browser: Any, server: str) -> None:
    finance = login(browser, server, "finance.140521", **DESKTOP)
    _open(finance, "资金", "资金结算")
    text = finance.inner_text("main")
    assert "批次" in text or "生成支付批次" in text
    _fits(finance)
    _shot(finance, "finance-1-settlement")
    finance.close()


def test_department_reports_progress_on_its_task(browser: Any, server: str) -> None:
    dept = login(browser, server, "department.140521", **DESKTOP)
    _open(dept, "督办", "任务台账")
    tasks = dept.locator("a[href^='/supervision/tasks/']")
    assert tasks.count() > 0
    tasks.first.click()
    dept.wait_for_load_state("load")
    _shot(dept, "department-1-task")
    if dept.locator("#report-form").count():
        dept.fill("#report-form input[name=percent]", "40")
        dept.fill("#report-form textarea[name=text]", "已完成首批企业摸底，正在组织申报。")
        dept.click("#report-form button")
        dept.wait_for_load_state("load")
        assert "已完成首批企业摸底" in dept.inner_text("main")
    _fits(dept)
    _shot(dept, "department-2-reported")
    dept.close()


def test_enterprise_files_a_renewal_project(browser: Any, server: str) -> None:
    ent = login(browser, server, "enterprise.140521", **DESKTOP)
    _open(ent, "设备更新", "更新项目")
    form = ent.locator("form[method=post][action='/equipment/projects']")
    form.locator("input[name=name]").fill("旅程测试空压机节能改造")
    form.locator("input[name=equipment_investment_fen]").fill("1200000")
    form.locator("input[name=total_investment_fen]").fill("1500000")
    form.locator("button").click()
    ent.wait_for_load_state("load")
    assert "旅程测试空压机节能改造" in ent.inner_text("main")
    _fits(ent)
    _shot(ent, "enterprise-1-project")
    ent.close()


# --- phone journeys: merchant, consumer, driver ------------------------------------------


def _tap_menu(page: Any, label: str) -> None:
    """On a phone the menu opens behind 菜单; tap the entry named ``label`` (an area first,
    when the menu is grouped)."""
    page.click("label.nav-button")
    entry = page.locator("nav.menu a", has_text=re.compile(f"^{label}$"))
    if not entry.is_visible():
        area = entry.locator("xpath=ancestor::details/summary")
        area.click()
    entry.click()
    page.wait_for_load_state("load")


def _quota(page: Any, category: str) -> str:
    """The consumer claims a quota on /my by the category's Chinese name; its code."""
    page.fill("form[action='/my/quotas'] input[name=category]", category)
    page.click("form[action='/my/quotas'] button")
    page.wait_for_load_state("load")
    row = page.locator("#quotas tbody tr", has_text=category).first
    return str(row.locator("td.code").inner_text().strip())


def _barcode(model: str) -> str:
    body = next(p[5] for p in PRODUCTS if p[1] == model)
    return str(body + gtin_check_digit(body))


def test_merchant_till_sale_receipt_and_next_sale(browser: Any, server: str) -> None:
    resident = login(browser, server, "consumer.140521", **PHONE)
    resident.goto(server + "/my")
    code = _quota(resident, "空调")
    resident.close()

    shop = login(browser, server, "merchant.140521", **PHONE)
    _shot(shop, "merchant-1-home")
    _tap_menu(shop, "核销补贴")
    expect(shop.locator("#till-select option:checked")).to_have_text("沁水县城旗舰店 · 01")
    assert shop.locator("#scan-note").is_visible()  # no BarcodeDetector in this chromium
    shop.fill("input[name=quota_code]", code)
    shop.fill("#model-input", "gl")  # 格力 by its pinyin initials
    shop.locator("#model-list li", has_text="格力").click()
    assert shop.input_value("#model-input") == "KFR-35GW-NhGc1B"
    assert shop.input_value("#category-input") == "空调"
    shop.fill("#barcode-input", _barcode("65E5N"))
    expect(shop.locator("#barcode-check")).to_contain_text("不符")
    shop.fill("#barcode-input", _barcode("KFR-35GW-NhGc1B"))
    expect(shop.locator("#barcode-check")).to_contain_text("一致")
    shop.fill("#serial-input", "E2E-AC-0001")
    shop.fill("input[name=price]", "3299")
    shop.fill("input[name=invoice_no]", "26142000000077770001")
    _fits(shop)
    _shot(shop, "merchant-2-till")
    shop.click("#till-submit", no_wait_after=True)
    shop.wait_for_url(f"{server}/claims/*/receipt", timeout=90_000)  # a loaded machine
    assert shop.inner_text("#claim-state") == "已核销待审核"
    assert "格力 KFR-35GW-NhGc1B" in shop.inner_text("#receipt-item")
    price = _fen(shop.inner_text("#price"))
    subsidy = _fen(shop.inner_text("#subsidy"))
    assert price == 329900 and 0 < subsidy < price
    assert _fen(shop.inner_text("#consumer-pays")) == price - subsidy
    assert "按售价" in shop.inner_text("#arithmetic") and "单件上限" in shop.inner_text(
        "#arithmetic"
    )
    _fits(shop)
    _shot(shop, "merchant-3-receipt")
    shop.emulate_media(media="print")
    assert shop.locator("header.topbar").is_hidden() and shop.locator("#next-sale").is_hidden()
    _shot(shop, "merchant-4-receipt-print")
    shop.emulate_media(media="screen")
    shop.click("#next-sale")
    shop.wait_for_load_state("load")
    assert "terminal_id=01" in shop.url
    expect(shop.locator("#till-select option:checked")).to_have_text("沁水县城旗舰店 · 01")
    assert shop.input_value("input[name=quota_code]") == ""
    assert shop.input_value("#model-input") == ""
    _shot(shop, "merchant-5-next-sale")
    shop.close()


def _fen(text: str) -> int:
    digits = re.sub(r"[^0-9.]", "", text)
    whole, _, cents = digits.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


SCANNER = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["ean_13", "code_128"]); }
  detect() { return Promise.resolve([{ rawValue: window.scanValue || "", format: "ean_13" }]); }
};
navigator.mediaDevices.getUserMedia = function () {
  var canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return Promise.resolve(canvas.captureStream(5));
};
"""


def test_till_scans_with_the_camera_where_the_browser_can(browser: Any, server: str) -> None:
    """Chromium on Linux has no BarcodeDetector: a stand-in detector and camera (what an
    Android phone provides) check the till's feature detection and what a scan fills in."""
    context = browser.new_context(**PHONE)
    context.add_init_script(SCANNER)
    shop = login(context, server, "merchant.140521")
    shop.goto(server + "/merchant/redeem")
    assert shop.locator("#scan-note").is_hidden()
    shop.evaluate(f"window.scanValue = '{_barcode('BCD-510WGHSSEDS9')}'")
    shop.click("button.scan[data-target=barcode-input]")
    expect(shop.locator("#barcode-input")).to_have_value(_barcode("BCD-510WGHSSEDS9"))
    assert shop.locator("#scanner").is_hidden()
    expect(shop.locator("#model-input")).to_have_value("BCD-510WGHSSEDS9")  # found by its code
    assert shop.input_value("#category-input") == "电冰箱"
    shop.evaluate("window.scanValue = '860000001234567'")
    shop.click("button.scan[data-target=serial-input]")
    expect(shop.locator("#serial-input")).to_have_value("860000001234567")
    _shot(shop, "merchant-6-scanned")
    context.close()


def test_consumer_claims_books_and_keeps_the_certificate(browser: Any, server: str) -> None:
    me = login(browser, server, "consumer.140521", **PHONE)
    _shot(me, "consumer-1-home")
    _tap_menu(me, "我的补贴")
    code = _quota(me, "洗衣机")
    row = me.locator("#quotas tbody tr", has_text=code)
    assert "可使用" in row.inner_text() and re.search(r"\d{4}-\d{2}-\d{2}", row.inner_text())
    _fits(me)
    _shot(me, "consumer-2-quota")

    _tap_menu(me, "预约回收")
    assert me.locator("input[name=lat], input[name=lon]").count() == 0
    me.fill("#address-search", "杏园")
    me.select_option("#address-select", index=1)
    me.fill("input[name=house_no]", "5号楼1单元302")
    me.fill("input[name=phone]", "13800138000")
    me.fill("input[name=service_date]", (today_cn() + timedelta(days=1)).isoformat())
    me.select_option("select[name=category0]", "washing_machine")
    me.fill("input[name=weight0]", "30")
    _shot(me, "consumer-3-booking")
    me.click("#book-form button[type=submit]")
    assert "预约已提交" in me.inner_text("#created")
    booking = re.findall(r"\d+", me.inner_text("#created"))[-1]
    assert me.locator(f"#my-bookings tr[data-id='{booking}'] .status").inner_text() == "已预约"
    _fits(me)

    driver = login(browser, server, "recycler.140521", **PHONE)
    driver.goto(f"{server}/recycling/pickup/{booking}")
    driver.fill("input[name=weight0]", "28.5")
    driver.fill("input[name=payment_ref]", "WX-JOURNEY-1")
    driver.fill("input[name=early_reason]", "居民在家，提前上门")
    driver.select_option("select[name=site_id]", index=0)  # not on a plan: the station it goes to
    driver.click(f"form[action='/recycling/pickup/{booking}'] button")
    cert = driver.inner_text("#pickup-done .cert-no")
    driver.close()

    me.reload()
    done = me.locator(f"#my-bookings tr[data-id='{booking}']")
    assert done.locator(".weighed").inner_text() == "28.5"
    assert cert in me.inner_text(".my-cert")
    _fits(me)
    _shot(me, "consumer-4-certificate")
    me.close()


def test_driver_follows_todays_route_and_issues_a_certificate(browser: Any, server: str) -> None:
    driver = login(browser, server, "recycler.140521", **PHONE)
    _shot(driver, "driver-1-home")
    _tap_menu(driver, "回收调度")
    driver.locator("#routes a").first.click()
    driver.wait_for_load_state("load")
    assert today_cn().isoformat() in driver.inner_text("h1")  # the dispatch page opens on today
    assert driver.locator("#route-drawing polyline.route-line").count() == 1
    _fits(driver)
    _shot(driver, "driver-2-route")
    stop = driver.locator("#stops li", has=driver.locator("a", has_text="称重结算")).first
    address = stop.locator(".stop-address").inner_text()
    stop.locator("a", has_text="称重结算").click()
    driver.wait_for_load_state("load")
    assert address in driver.inner_text("main")
    driver.fill("input[name=weight0]", "14.6")
    driver.fill("input[name=payment_ref]", "WX-ROUTE-1")
    _shot(driver, "driver-3-weigh")
    driver.locator("form[action^='/recycling/pickup/'] button").first.click()
    driver.wait_for_load_state("load")
    assert driver.inner_text("#pickup-done .cert-no").strip()
    assert driver.locator("#pickup-done svg.qr").count() == 1
    _fits(driver)
    _shot(driver, "driver-4-certificate")
    driver.close()
