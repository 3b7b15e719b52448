"""Issue 17 pages in the browser: finance resolves a reconciliation difference of the demo
on a laptop; 资金对账, 办理时限 and 商户对账单 fit a phone (no sideways scroll)."""

from __future__ import annotations

from typing import Any

import pytest

from builders import ui_login as login

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


def test_finance_resolves_a_difference_of_the_demo_reconciliation(
    browser: Any, server: str
) -> None:
    finance = login(browser, server, "finance.140521", **LAPTOP)
    finance.goto(server + "/reconciliation")
    before = int(finance.inner_text("#open-count"))
    assert before >= 3  # the demo's amount that differs, missing payment and redemption, extra
    form = finance.locator("form[action$='/resolve']").first
    form.locator("input[name=note]").fill("已与银行核实，差额已退回")
    form.locator("button").click()
    finance.wait_for_url(server + "/reconciliation")
    assert int(finance.inner_text("#open-count")) == before - 1
    assert finance.evaluate("document.documentElement.scrollWidth") <= 1366
    finance.close()


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("finance.140521", "/reconciliation", "资金对账"),
        ("office.140521", "/clocks", "办理时限"),
        ("merchant.140521", "/statements", "商户对账单"),
    ],
)
def test_the_pages_fit_a_phone(
    browser: Any, server: str, username: str, path: str, heading: str
) -> None:
    page = login(browser, server, username, **PHONE)
    page.goto(server + path)
    assert page.inner_text("h1") == heading
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
