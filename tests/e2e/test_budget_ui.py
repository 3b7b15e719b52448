"""A budget year in the browser: the office reads a pool's monthly plan, release schedule and
sales state on a phone and a desktop and pauses sales by hand; a resident reads the public
budget notice without logging in. No sideways scroll at 390 and 1366 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from builders import ui_login as login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HUANXIN_SHOTS")  # a directory to keep screenshots in, when set


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("width", [390, 1366])
def test_pool_page_shows_the_year_and_fits(browser: Any, server: str, width: int) -> None:
    office = login(browser, server, "office.140521", viewport={"width": width, "height": 900})
    office.set_default_timeout(90_000)  # the pool page computes its forecast on a busy machine
    office.goto(server + "/ledger")
    office.click("a:has-text('2026年家电以旧换新补贴（国家）·中央')")
    assert "2026年度" in office.inner_text("main")
    assert "办理状态" in office.inner_text("#sales-state")
    assert office.locator("#tranches tbody tr").count() == 12  # monthly tranches in the demo
    assert "月" in office.inner_text("#months")
    assert _width(office) <= width
    if SHOTS:
        office.screenshot(path=str(Path(SHOTS) / f"pool-{width}.png"), full_page=True)
    office.close()


def test_office_pauses_by_hand_and_the_public_notice_shows_it(browser: Any, server: str) -> None:
    office = login(browser, server, "office.140521")
    office.set_default_timeout(90_000)
    office.goto(server + "/ledger")
    office.click("a:has-text('2026年手机等数码产品购新补贴（国家）·中央')")
    office.fill("#pause input[name=reason]", "浏览器测试暂停")
    office.click("#pause button")
    # the post answers with a redirect to the pool page: wait for the new state, not the old
    expect(office.locator("#sales-state")).to_contain_text(
        "暂停办理：浏览器测试暂停", timeout=90_000
    )
    resident = browser.new_page(viewport={"width": 390, "height": 844})
    resident.goto(server + "/public/140521/budget")
    notice = resident.inner_text("main")
    assert "补贴资金情况" in notice and "浏览器测试暂停" in notice and "剩余可用资金" in notice
    assert _width(resident) <= 390
    if SHOTS:
        resident.screenshot(path=str(Path(SHOTS) / "public-budget-390.png"), full_page=True)
    office.fill("#pause input[name=reason]", "测试结束")
    office.click("#pause button")
    expect(office.locator("#sales-state")).to_contain_text("正常办理", timeout=90_000)
    resident.close()
    office.close()
