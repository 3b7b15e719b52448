"""Browser: the office uploads a plan, resolves every unit on the review page, gets the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanxin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PLAN = """冠县推动设备更新工作方案（浏览器测试）
一、工作目标
到2027年，设备投资规模较2023年增长30%以上。
二、重点任务
（一）推动工业设备更新。组织企业申报设备更新项目。（牵头单位：县浏览器测试局；配合单位：县财政局）
（二）开展家电以旧换新。支持企业开展促销。（牵头单位：县浏览器测试局）
"""


def test_upload_review_ledger(browser: Any, server: str, tmp_path: Path) -> None:
    source = tmp_path / "browser-plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(server + "/login")
    page.fill("input[name=username]", "office.371525")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.goto(server + "/supervision")
    page.set_input_files("input[name=file]", str(source))
    page.click("form[action='/supervision/plans'] button[type=submit]")
    assert "冠县推动设备更新工作方案" in page.inner_text("#plan-title")
    assert "任务 2 项" in page.inner_text("#plan-counts")
    page.click("#to-review")
    rows = page.locator("#matches tbody tr")
    for i in range(rows.count()):
        select = rows.nth(i).locator("select")
        if select.input_value() == "":
            select.select_option("new")
    page.click("#confirm")
    page.wait_for_url("**/supervision/tasks?plan_id=*")
    ledger = page.inner_text("#ledger")
    assert "推动工业设备更新" in ledger and "县浏览器测试局" in ledger and "未启动" in ledger
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_image_only_pdf_message(browser: Any, server: str, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with scan.open("wb") as fh:
        writer.write(fh)
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "office.140521")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.goto(server + "/supervision")
    page.set_input_files("input[name=file]", str(scan))
    page.click("form[action='/supervision/plans'] button[type=submit]")
    assert "没有文本层" in page.inner_text(".error")
    page.close()
