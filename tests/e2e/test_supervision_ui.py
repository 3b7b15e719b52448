"""Browser, on a phone-sized screen: the office imports a plan, resolves every unit on the review
page and gets the ledger; a department files progress and is refused on another department's
task; the office works an indicator, the checkpoints and a briefing (Word and PDF); bad files
get clear messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from builders import ui_login
from huanxin.supervision.service import briefings

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 800}}

PLAN = """冠县推动设备更新工作方案（浏览器测试）
一、工作目标
到2027年，设备投资规模较2023年增长30%以上。
二、重点任务
（一）推动工业设备更新。组织企业申报设备更新项目，到2026年，建成设备更新项目库。（牵头单位：县浏览器测试局；配合单位：县财政局）
（二）开展家电以旧换新。支持企业开展促销。（牵头单位：县浏览器测试局）
"""


def _fits(page: Any) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _csrf(page: Any) -> str:
    return str(page.locator("input[name=csrf_token]").first.get_attribute("value"))


def _import_plan(page: Any, server: str, tmp_path: Path) -> list[str]:
    source = tmp_path / "browser-plan.txt"
    source.write_text(PLAN, encoding="utf-8")
    page.goto(server + "/supervision")
    page.set_input_files("input[name=file]", str(source))
    page.click("form[action='/supervision/plans'] button[type=submit]")
    assert "冠县推动设备更新工作方案" in page.inner_text("#plan-title")
    assert "任务 2 项" in page.inner_text("#plan-counts")
    page.click("#to-review")
    page.wait_for_url("**/supervision/plans/*/review")
    rows = page.locator("#matches tbody tr")
    for i in range(rows.count()):
        select = rows.nth(i).locator("select")
        if select.input_value() == "":
            select.select_option("new")
    _fits(page)
    page.click("#confirm")
    page.wait_for_url("**/supervision/tasks?plan_id=*")
    ledger = page.inner_text("#ledger")
    assert "推动工业设备更新" in ledger and "县浏览器测试局" in ledger and "未启动" in ledger
    _fits(page)
    return [
        str(t)
        for t in page.locator("#ledger tr[data-task]").evaluate_all(
            "rows => rows.map(r => r.dataset.task)"
        )
    ]


def test_office_and_department_end_to_end(browser: Any, server: str, tmp_path: Path) -> None:
    office = ui_login(browser, server, "office.371525", **PHONE)
    new_tasks = _import_plan(office, server, tmp_path)
    office.goto(f"{server}/supervision/tasks/{new_tasks[0]}")
    assert "建成设备更新项目库" in office.inner_text("#task-checkpoints")  # milestone → checkpoint

    dept = ui_login(browser, server, "department.371525", **PHONE)
    dept.goto(server + "/supervision/tasks")
    dept.locator("#ledger tbody tr[data-task] a").first.click()
    dept.fill("#report-form input[name=percent]", "55")
    dept.fill("#report-form textarea[name=text]", "已完成阶段任务，召开推进会两次。")
    dept.click("#report-form button[type=submit]")
    assert "55%" in dept.inner_text("#reports")
    _fits(dept)
    dept.goto(f"{server}/supervision/tasks/{new_tasks[0]}")  # another department's task
    assert dept.locator("#report-form").count() == 0
    refused = dept.request.post(
        f"{server}/supervision/tasks/{new_tasks[0]}/reports",
        form={"csrf_token": _csrf(dept), "period": "2026-01", "percent": "10", "text": "越权填报"},
    )
    assert refused.status == 403 and "不是本部门牵头或配合的任务" in refused.text()
    dept.close()

    office.goto(server + "/supervision/indicators")
    assert office.locator("#status-chart svg").count() == 1
    office.locator("#indicators a", has_text=re.compile("^设备投资规模$")).first.click()
    assert "平台数据" in office.inner_text("#source")
    office.select_option("#source-form select[name=computed_key]", "")
    office.click("#source-form button[type=submit]")
    assert "部门填报" in office.inner_text("#source")
    office.fill("input[name=baseline_value]", "100")
    office.locator("form:has(input[value=config]) button[type=submit]").click()
    office.fill("input[name=year]", "2025")
    office.fill("input[name=value]", "110")
    office.fill("input[name=source]", "县统计局年报")
    office.locator("form:has(input[value=value]) button[type=submit]").click()
    assert "完成进度：33.3%" in office.inner_text("#progress")
    _fits(office)

    office.goto(server + "/supervision/checkpoints")
    assert office.locator("#checkpoints .checkpoint").count() >= 1
    _fits(office)

    office.goto(server + "/supervision/briefings")
    office.fill("input[name=period_start]", "2026-01-01")
    office.fill("input[name=period_end]", "2026-12-31")
    office.click("form[method=post][action='/supervision/briefings'] button[type=submit]")
    first = office.locator("#briefings tbody tr").first
    word = first.locator("a", has_text="Word").get_attribute("href")
    assert office.request.get(server + str(word)).body().startswith(b"PK")
    pdf_links = first.locator("a", has_text="PDF")
    if briefings.office_binary():  # the server runs on this machine: offered only then
        pdf = office.request.get(server + str(pdf_links.get_attribute("href")), timeout=180_000)
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    else:
        assert pdf_links.count() == 0 and "未安装 LibreOffice" in office.inner_text("#no-pdf")
    _fits(office)
    office.close()


def test_bad_files_get_clear_messages(browser: Any, server: str, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with scan.open("wb") as fh:
        writer.write(fh)
    notice = tmp_path / "notice.txt"
    notice.write_text("关于召开会议的通知\n请各单位于周五到会议室开会。\n", encoding="utf-8")
    page = ui_login(browser, server, "office.140521")
    for path, message in ((scan, "没有文本层"), (notice, "不是实施方案")):
        page.goto(server + "/supervision")
        page.set_input_files("input[name=file]", str(path))
        page.click("form[action='/supervision/plans'] button[type=submit]")
        assert message in page.inner_text(".error")
    page.close()
