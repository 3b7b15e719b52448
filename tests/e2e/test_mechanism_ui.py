"""Browser, on a phone-sized screen, over the demo month of 沁水县: the office finds its
inbox and the joint meeting, records a member change, holds a meeting whose decision becomes
a task (a decision without a unit is refused in the form), records a visit finding with a
photo, sends a department's escalation up, generates a ten-day report; the public reads the
Q&A without logging in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builders import ui_login
from huanxin.supervision import charts

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 800}}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _members_and_meeting(page: Any, server: str) -> None:
    page.goto(server + "/supervision/inbox")
    assert "专班办公室待办" in page.inner_text("h1")
    page.goto(server + "/supervision/bodies")
    page.click("text=沁水县推动大规模设备更新和消费品以旧换新工作联席会议")
    assert "钱卫东" in page.inner_text("#seats") and "孙丽" in page.inner_text("#seat-history")
    _fits(page)
    page.goto(server + "/supervision/meetings")
    page.fill("input[name=title]", "浏览器测试专题会议")
    page.click("form[method=post][action='/supervision/meetings'] button[type=submit]")
    assert "浏览器测试专题会议" in page.inner_text("h1")
    form = page.locator("#decision-form")
    form.locator("textarea[name=text]").fill("浏览器测试交办事项")
    form.locator("input[name=deadline]").fill("2027-01-31")
    form.locator("button[type=submit]").click()
    assert "交办任务的会议决定必须指定责任单位" in page.inner_text("[role=alert]")
    form = page.locator("#decision-form")
    form.locator("textarea[name=text]").fill("浏览器测试交办事项")
    form.locator("select[name=department_id]").select_option(label="县商务局")
    form.locator("input[name=deadline]").fill("2027-01-31")
    form.locator("button[type=submit]").click()
    assert "浏览器测试交办事项" in page.inner_text("#decisions")
    page.locator("#hold-form textarea").fill("会议研究了浏览器测试事项。")
    page.locator("#hold-form button").click()
    assert "已召开" in page.inner_text("h1")
    href = page.locator("text=下载会议纪要（Word）").get_attribute("href")
    minutes = page.request.get(server + str(href))
    assert minutes.status == 200 and minutes.body().startswith(b"PK")
    _fits(page)


def _visit(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/supervision/visits")
    page.fill("input[name=title]", "浏览器测试督导")
    page.click("form[method=post][action='/supervision/visits'] button[type=submit]")
    photo = tmp_path / "现场.png"
    photo.write_bytes(charts.counts_chart([("检查", 1.0)], fmt="png"))
    form = page.locator("#finding-form")
    form.locator("textarea[name=text]").fill("浏览器测试发现的问题")
    form.locator("input[name=deadline]").fill("2027-01-15")
    form.locator("input[name=files]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    finding = page.locator("[data-finding]").first
    assert "浏览器测试发现的问题" in finding.inner_text() and "现场.png" in finding.inner_text()
    assert "整改中" in finding.inner_text()
    _fits(page)


def test_office_runs_the_mechanism_and_the_public_reads_it(
    browser: Any, server: str, tmp_path: Path
) -> None:
    dept = ui_login(browser, server, "department.140521", **PHONE)
    dept.goto(server + "/supervision/escalations")
    dept.fill("input[name=title]", "浏览器测试请求事项")
    dept.fill("textarea[name=ask]", "请省级部门支持浏览器测试")
    dept.fill("input[name=addressee]", "省商务厅")
    dept.click("form[method=post][action='/supervision/escalations'] button[type=submit]")
    mine = dept.locator("[data-escalation]", has_text="浏览器测试请求事项")  # unsent ones first
    assert "部门提出待审核" in mine.inner_text()
    _fits(dept)
    page = ui_login(browser, server, "office.140521", **PHONE)
    _members_and_meeting(page, server)
    _visit(page, server, tmp_path)
    page.goto(server + "/supervision/escalations")
    card = page.locator("[data-escalation]", has_text="浏览器测试请求事项")
    card.locator("button[value=send]").click()
    assert (
        "已报送待答复"
        in page.locator("[data-escalation]", has_text="浏览器测试请求事项").inner_text()
    )
    page.goto(server + "/supervision/bulletins")
    page.select_option("#bulletin-form select[name=template_id]", label="以旧换新工作旬报（旬报）")
    page.click("#bulletin-form button[type=submit]")
    first = page.locator("[data-bulletin]").first
    assert (
        "旬报" in first.inner_text() and "以旧换新已支付补贴资金（本年累计）" in first.inner_text()
    )
    _fits(page)
    public = browser.new_page(**PHONE)
    public.goto(server + "/public/140521/qa")
    assert "外地户籍在沁水县购买家电能享受补贴吗？" in public.inner_text("main")
    _fits(public)
