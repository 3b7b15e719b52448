"""Browser, on the full demo: a consumer books a pickup on a phone; the driver's page draws
the route as SVG; the office manages sites, vehicles and price lists with forms; and the
whole chain in 阳泉市 — book with an instant quote, plan the day, a second booking inserted
into the live plan, weighing and payment at the door, reverse invoice, certificate, the
certificate accepted once by a trade-in redemption, weighing at the station, mass balance,
declaration and indicators."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from builders import ui_login as login
from huanxin.core import identifiers
from huanxin.core.clock import today_cn

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}}


def _fits_phone(page: Any) -> None:
    page.wait_for_load_state()  # a form post may still be navigating: measure the new page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_consumer_books_on_phone(browser: Any, server: str) -> None:
    """At 390 px: find the estate by pinyin initials, or let the browser's position pick the
    nearest entry; type only the house number; no coordinate anywhere on the form."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 35.6905, "longitude": 112.2095},
        permissions=["geolocation"],
    )
    page = login(context, server, "consumer.140521")
    page.goto(server + "/recycling/book")
    assert page.locator("input[name=lat], input[name=lon]").count() == 0
    page.click("#locate")
    expect(page.locator("#locate-status")).to_contain_text("离您最近")
    assert page.input_value("#address-select") != ""
    page.fill("#address-search", "杏园小区")
    assert page.locator("#address-select option").count() == 2  # the prompt and one match
    assert "杏园小区1-12号楼" in page.locator("#address-select option:checked").inner_text()
    page.fill("input[name=house_no]", "3号楼2单元501")
    page.fill("input[name=phone]", "13800138000")
    page.fill("input[name=service_date]", (today_cn() + timedelta(days=2)).isoformat())
    page.select_option("select[name=category0]", "television")
    page.fill("input[name=weight0]", "15")
    page.click("#book-form button[type=submit]")
    assert "预约已提交" in page.inner_text("#created")
    first = page.locator("#my-bookings tbody tr").first
    assert first.locator(".quote").inner_text() == "30.00"
    assert first.locator(".status").inner_text() == "已预约"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_driver_page_draws_route(browser: Any, server: str) -> None:
    page = login(browser, server, "recycler.140521", **PHONE)
    page.goto(server + "/recycling/dispatch?jurisdiction_code=140521&service_date=2026-03-16")
    page.click("#routes a >> nth=0")
    # count() does not wait: let the driver's page finish loading before counting on it
    page.wait_for_url("**/recycling/driver/**")
    page.wait_for_load_state()
    expect(page.locator("#route-drawing svg")).to_have_count(1)
    stops = page.locator("#stops li").count()
    assert stops > 0 and page.locator("#route-drawing circle.stop").count() == stops
    expect(page.locator("#route-drawing polyline.route-line")).to_have_count(1)
    page.close()


def test_tap_to_call_at_390(browser: Any, server: str) -> None:
    """On a phone the dispatch table keeps 司机路线; the driver sees each stop's address and
    a masked mobile whose link asks the server for the number (never written in the page)."""
    page = login(browser, server, "recycler.140521", viewport={"width": 390, "height": 844})
    day = today_cn().isoformat()  # the demo plans a few bookings with a phone for today
    page.goto(server + f"/recycling/dispatch?jurisdiction_code=140521&service_date={day}")
    route = page.locator("#routes a.driver-route").first
    expect(route).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    route.click()
    page.wait_for_url("**/recycling/driver/**")
    call = page.locator("#stops a.stop-phone").first
    expect(call).to_be_visible()
    assert re.fullmatch(r"/recycling/bookings/\d+/call", call.get_attribute("href") or "")
    assert re.search(r"1\d{2}\*{4}\d{4}", call.inner_text())
    assert not re.search(r"1[3-9]\d{9}", page.locator("#stops").inner_html())
    assert page.locator("#stops .stop-address").first.inner_text().strip() != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_office_manages_sites_vehicles_and_prices(browser: Any, server: str) -> None:
    page = login(browser, server, "office.140521", **PHONE)
    page.goto(server + "/recycling/network")
    page.click("#new-site")
    site = {
        "name": "沁水县嘉峰中转站",
        "address": "嘉峰镇",
        "lat": "35.60",
        "lon": "112.30",
        "opens": "07:00",
        "closes": "19:00",
        "capacity_t": "10",
    }
    for name, value in site.items():
        page.fill(f"#site-form input[name={name}]", value)
    page.select_option("#site-form select[name=tier]", "dismantler")
    page.click("#site-form button[type=submit]")
    refusal = page.inner_text(".error")  # names the field by its label, never its code
    assert refusal.startswith("许可证编号：") and "资质" in refusal and "licence_no" not in refusal
    page.select_option("#site-form select[name=tier]", "transfer")
    page.click("#site-form button[type=submit]")
    assert page.inner_text("#saved") == "已保存"
    row = page.locator("#sites tbody tr", has_text="沁水县嘉峰中转站")
    assert row.locator(".hours").inner_text() == "07:00-19:00"
    row.locator("a", has_text="编辑").click()
    page.fill("#site-form input[name=closes]", "20:00")
    page.click("#site-form button[type=submit]")
    assert row.locator(".hours").inner_text() == "07:00-20:00"

    page.click("#new-vehicle")
    _fits_phone(page)
    page.fill("#vehicle-form input[name=plate]", "晋EHX099")
    page.select_option("#vehicle-form select[name=home_site_id]", label="沁水县嘉峰中转站")
    page.fill("#vehicle-form input[name=capacity_kg]", "1200")
    page.fill("#vehicle-form input[name=capacity_m3]", "6.5")
    page.click("#vehicle-form button[type=submit]")
    vehicle = page.locator("#vehicles tbody tr", has_text="晋EHX099")
    assert vehicle.locator(".capacity").inner_text() == "1200"
    assert vehicle.locator(".state").inner_text() == "在用"
    vehicle.locator("a", has_text="编辑").click()
    page.select_option("#vehicle-form select[name=active]", "no")
    page.click("#vehicle-form button[type=submit]")
    assert vehicle.locator(".state").inner_text() == "停用"

    page.click("#new-prices")
    _fits_phone(page)
    later = (today_cn() + timedelta(days=30)).isoformat()
    page.fill("#price-form input[name=effective_from]", later)
    page.fill("#price-form input[name='p.refrigerator.intact']", "88.5")
    page.click("#price-form button[type=submit]")
    assert page.locator("#price-versions .effective").first.inner_text() == later
    page.close()


def _resident_id(body: str) -> str:
    return body + identifiers.resident_id_check_char(body)


def _book(page: Any, server: str, day: str, slot: str, category: str, kg: str) -> str:
    page.goto(server + "/recycling/book")
    page.fill("#address-search", "yjxq")
    page.fill("input[name=house_no]", f"{int(slot[:2])}号楼")
    page.fill("input[name=phone]", "13900139000")
    page.fill("input[name=service_date]", day)
    page.select_option("select[name=slot]", slot)
    page.select_option("select[name=category0]", category)
    page.fill("input[name=weight0]", kg)
    page.click("#book-form button[type=submit]")
    return str(re.findall(r"\d+", page.inner_text("#created"))[-1])


def _redeem(page: Any, server: str, quota: str, serial: str, cert: tuple[str, str]) -> None:
    page.goto(server + "/merchant/redeem")
    fields = {
        "quota_code": quota,
        "category": "television",
        "product_model": "TEL-100",
        "device_serial": serial,
        "grade": "1",
        "price": "2999",
        "invoice_no": "26140300000099990" + serial[-3:],
        "recycling_cert_no": cert[0],
        "recycling_cert_code": cert[1],
        "purchase_date": today_cn().isoformat(),
    }
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.click("form[action='/merchant/redeem'] button[type=submit]")


def _quota(browser: Any, server: str, username: str) -> str:
    consumer = login(browser, server, username, **PHONE)
    consumer.goto(server + "/my")
    consumer.fill("input[name=category]", "television")
    consumer.click("form[action='/my/quotas'] button")
    code = str(consumer.locator("#quotas td.code").first.inner_text().strip())
    consumer.close()
    return code


def test_pickup_chain_from_booking_to_trade_in(browser: Any, server: str) -> None:
    day = (today_cn() + timedelta(days=3)).isoformat()
    consumer = login(browser, server, "consumer.140300", **PHONE)
    first = _book(consumer, server, day, "08:00-10:00", "television", "15")
    row = consumer.locator(f"#my-bookings tr[data-id='{first}']")
    assert row.locator(".quote").inner_text() == "30.00"
    assert row.locator(".status").inner_text() == "已预约"

    office = login(browser, server, "office.140300")
    office.goto(f"{server}/recycling/dispatch?jurisdiction_code=140300&service_date={day}")
    office.click("form[action='/recycling/dispatch'][method=post] button")
    assert "第1版" in office.inner_text("main") and "全部已安排" in office.inner_text("#unserved")

    second = _book(consumer, server, day, "14:00-16:00", "refrigerator", "60")
    assert consumer.locator(f"#my-bookings tr[data-id='{second}'] .status").inner_text() == "已排班"
    assert consumer.locator(f"#my-bookings tr[data-id='{first}'] .status").inner_text() == "已排班"
    office.reload()
    assert "第2版" in office.inner_text("main")

    recycler = login(browser, server, "recycler.140300", **PHONE)
    recycler.goto(f"{server}/recycling/dispatch?jurisdiction_code=140300&service_date={day}")
    recycler.locator("#routes a").first.click()
    recycler.wait_for_url("**/recycling/driver/**")
    expect(recycler.locator("#route-drawing polyline.route-line")).to_have_count(1)
    recycler.goto(f"{server}/recycling/pickup/{first}")
    recycler.fill("input[name=weight0]", "14.2")
    recycler.fill("input[name=payment_ref]", "WX-E2E-1")
    recycler.fill("input[name=early_reason]", "居民要求提前上门")
    recycler.click("form[action='/recycling/pickup/" + first + "'] button")
    assert "实付 30.00 元" in recycler.inner_text("#pickup-done")
    cert = (
        recycler.inner_text("#pickup-done .cert-no"),
        recycler.inner_text("#pickup-done .cert-code"),
    )
    recycler.fill("input[name=seller_name]", "阳泉演示出售人")
    recycler.fill("input[name=seller_resident_id]", _resident_id("14030019750101001"))
    good = _resident_id("14030019750101001")
    recycler.fill("input[name=seller_resident_id]", good[:-1] + ("1" if good[-1] != "1" else "2"))
    recycler.click("#invoice-form button")
    assert "出售人身份证号码" in recycler.inner_text("#invoice-error")
    assert recycler.input_value("input[name=seller_name]") == "阳泉演示出售人"
    recycler.fill("input[name=seller_resident_id]", good)
    recycler.click("#invoice-form button")
    assert recycler.inner_text("#invoice").startswith("发票号码：FX")
    recycler.reload()
    assert recycler.locator("#pickup-done svg.qr").count() == 1
    assert "实付 30.00 元" in recycler.inner_text("#pickup-done")
    _fits_phone(recycler)

    consumer.goto(server + "/recycling/book")
    assert consumer.locator(f"#my-bookings tr[data-id='{first}'] .weighed").inner_text() == "14.2"
    assert consumer.locator(".my-cert .cert-no").first.inner_text() == cert[0]

    public = browser.new_page(**PHONE)
    public.goto(f"{server}/recycling/certificate?number={cert[0]}&code={cert[1]}")
    assert "未使用" in public.inner_text("#cert-result")

    merchant = login(browser, server, "merchant.140300", **PHONE)
    quota = _quota(browser, server, "consumer.140300")
    merchant.goto(f"{server}/recycling/certificate?number={cert[0]}&code={cert[1]}")
    merchant.click("#use-cert")
    assert merchant.input_value("input[name=recycling_cert_no]") == cert[0]
    assert merchant.input_value("input[name=recycling_cert_code]") == cert[1]
    fields = {
        "quota_code": quota,
        "product_model": "TEL-100",
        "device_serial": "E2E-TV-001",
        "grade": "1",
        "price": "2999",
        "invoice_no": "26140300000099990001",
        "purchase_date": today_cn().isoformat(),
    }
    for name, value in fields.items():
        merchant.fill(f"input[name={name}]", value)
    merchant.click("#till-submit", no_wait_after=True)  # the form also holds scan buttons
    merchant.wait_for_url(f"{server}/claims/*/receipt", timeout=90_000)  # a loaded machine
    public.reload()
    assert "已用于补贴申请" in public.inner_text("#cert-result")
    other = login(browser, server, "merchant.371525", **PHONE)
    _redeem(other, server, _quota(browser, server, "consumer.371525"), "E2E-TV-002", cert)
    assert "已被其他补贴申请使用" in other.inner_text(".error")

    recycler.goto(f"{server}/recycling/weighings")
    recycler.select_option("#weighing-form select[name=site_id]", label="阳泉市中转站（中转站）")
    recycler.select_option("#weighing-form select[name=direction]", "out")
    recycler.fill("#weighing-form input[name=on_date]", today_cn().isoformat())
    recycler.fill("#weighing-form input[name=units]", "1")
    recycler.fill("#weighing-form input[name=weight_kg]", "14")
    recycler.select_option(
        "#weighing-form select[name=counterpart_site_id]", label="阳泉市绿色分拣中心"
    )
    recycler.click("#weighing-form button[type=submit]")
    assert recycler.inner_text("#saved") == "已登记"
    _fits_phone(recycler)
    recycler.goto(f"{server}/recycling/reports?month={today_cn():%Y-%m}")
    balance = recycler.locator("#mass-balance tr", has_text="阳泉市中转站")
    assert balance.locator("td.num").nth(1).inner_text() == "14"
    assert recycler.locator(".indicators[data-kind=appliances]").count() == 1
    recycler.click("form[action='/recycling/declarations'] button")
    assert recycler.locator("#declarations tbody tr", has_text=f"{today_cn():%Y-%m}").count() == 1
    for page in (consumer, office, recycler, public, merchant, other):
        page.close()
