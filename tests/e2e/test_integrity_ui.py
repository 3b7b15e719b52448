"""An office clerk opens the risk dashboard from the menu, its server-side chart loads, and
the review queue is one click away; the pages fit a phone."""

from __future__ import annotations

from typing import Any

import pytest

from .test_foundation_ui import login

pytestmark = pytest.mark.browser


def test_office_opens_dashboard_chart_and_queue(browser: Any, server: str) -> None:
    page = login(browser, server, "office.140521")
    page.click("nav.menu summary:has-text('风险')")
    page.click("nav.menu a:has-text('风险总览')")
    page.wait_for_url(server + "/integrity")
    assert page.locator("h1").inner_text() == "骗补风险总览"
    width = page.eval_on_selector("div.chart img", "img => img.complete && img.naturalWidth")
    assert width > 0
    page.click("text=进入复核队列")
    page.wait_for_url(server + "/integrity/queue")
    assert page.locator("h1").inner_text() == "风险复核队列"
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.close()
