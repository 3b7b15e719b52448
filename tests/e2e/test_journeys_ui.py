"""Each office-side role walks its main journey as a person would, on a desktop, from its
home page through its menu; screenshots of each step are kept under ``var/journeys`` (or
``$HUANXIN_SHOTS``) as test artefacts. The resident, merchant and driver journeys on a phone
are ``test_tradein_ui`` and ``test_recycling_ui``'s pickup chain."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from builders import ui_login as login

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
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
