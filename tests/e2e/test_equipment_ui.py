"""Equipment pages in a browser: the import page lists a bad file's errors row by row; the
project library dashboard renders its chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanxin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

BAD = "设备编号,设备类别,投运年份,效率(%)\nM1,电动机,2015,0.93\nM2,火箭,2015,\n"


def login(browser: Any, server: str, username: str) -> Any:
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def test_import_page_shows_row_by_row_errors(browser: Any, server: str, tmp_path: Path) -> None:
    page = login(browser, server, "enterprise.140521")
    page.goto(server + "/equipment")
    if page.locator("input[name=uscc]").count():  # not registered yet (demo without equipment)
        page.fill("input[name=uscc]", "91350100M000100Y43")
        page.fill("input[name=industry_code]", "C3411")
        page.click("form[action='/equipment/enterprises'] button[type=submit]")
    bad = tmp_path / "台账.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.click("form[action$='/import'] button[type=submit]")
    rows = page.locator("#import-errors tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in rows] == [["2", "效率(%)"], ["3", "设备类别"]]
    assert "未导入任何数据" in page.inner_text(".error")
    page.close()


def test_project_dashboard_renders(browser: Any, server: str) -> None:
    page = login(browser, server, "department.140521")
    page.goto(server + "/equipment/projects")
    assert page.locator("#dashboard-chart svg").count() == 1
    header = page.locator("#dashboard thead th").all_inner_texts()
    assert header[1:6] == ["谋划", "申报", "审批", "在建", "竣工投产"]
    page.close()


def _enterprise_page(page: Any, server: str) -> None:
    page.goto(server + "/equipment")
    if page.locator("input[name=uscc]").count():
        page.fill("input[name=uscc]", "91350100M000100Y43")
        page.fill("input[name=industry_code]", "C3411")
        page.click("form[action='/equipment/enterprises'] button[type=submit]")


def test_single_row_edit_validates_and_reclassifies(
    browser: Any, server: str, tmp_path: Path
) -> None:
    page = login(browser, server, "enterprise.140521")
    _enterprise_page(page, server)
    if page.locator("#tab-all").count() and not page.url.endswith("flag=all"):
        page.click("#tab-all")
    if page.locator("#item-list tbody a").count() == 0:  # registered just now: import two rows
        good = tmp_path / "台账.csv"
        good.write_text(
            "设备编号,设备类别,投运年份,额定功率(kW),极数,效率(%)\n"
            "E1,电动机,2018,15,4,93.0\nE2,电动机,2018,15,4,94.0\n",
            encoding="utf-8",
        )
        page.set_input_files("input[name=file]", str(good))
        page.click("form[action$='/import'] button[type=submit]")
        page.click("#tab-all")
    page.locator("#item-list tbody a").first.click()
    page.fill("#item-form input[name=efficiency_pct]", "0.5")
    page.click("#item-form button[type=submit]")
    assert "效率(%)" in page.inner_text("#item-errors")
    assert "未作修改" in page.inner_text(".error")
    page.fill("#item-form input[name=model]", "YE4-160L-4")
    page.fill("#item-form input[name=efficiency_pct]", "99")
    page.click("#item-form button[type=submit]")
    assert "已保存并重新判定" in page.inner_text(".ok")
    assert page.inner_text("h1").startswith("设备 ")
    page.close()


def test_calculators_explain_the_tax_credit(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + "/login")
    page.fill("input[name=username]", "department.140521")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.goto(server + "/equipment/calculators")
    assert page.input_value("#subsidy-calc input[name=points]") == "1.5"
    page.fill("#tax-calc input[name=year]", "2024")
    page.fill("#tax-calc input[name=investment]", "100000")
    page.fill("#tax-calc input[name=tax_0]", "4000")
    page.fill("#tax-calc input[name=tax_1]", "9000")
    page.click("#tax-calc button[type=submit]")
    lines = page.locator("#tax-explanation li").all_inner_texts()
    assert lines[0].startswith(
        "2024年：应纳税额4,000.00元；新增抵免额＝专用设备投资额100,000.00元×10%"
    )
    assert "抵免后应纳税额＝9,000.00−6,000.00＝3,000.00元" in lines[1]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.fill("#subsidy-calc input[name=loan]", "1200000")
    page.fill("#subsidy-calc input[name=rate]", "3.45")
    page.click("#subsidy-calc button[type=submit]")
    assert page.locator("#subsidy-periods tbody tr").count() == 24
    page.close()


def test_indicator_shows_reported_digital_rates(browser: Any, server: str) -> None:
    page = login(browser, server, "department.140521")
    page.goto(server + "/equipment/indicator")
    assert page.locator("#digital-chart svg").count() == 1
    assert page.inner_text("#cnc-rate").endswith("%")
    page.close()
