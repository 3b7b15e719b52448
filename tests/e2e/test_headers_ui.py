"""In chromium: every menu page of the office works under the Content-Security-Policy (the
browser reports no refused script, style or image), forms cannot be framed, and a refused input
shows its Chinese message on the page with a working "返回" link."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from huanxin.demo import DEMO_PASSWORD
from huanxin.web.nav import menu_for

pytestmark = pytest.mark.browser


def _login(browser: Any, server: str, username: str, violations: list[str]) -> Any:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on(
        "console",
        lambda m: (
            violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def test_menu_pages_raise_no_csp_violation(browser: Any, server: str) -> None:
    violations: list[str] = []
    page = _login(browser, server, "office.140521", violations)
    for item in menu_for("office"):
        response = page.goto(server + item.href)
        assert response is not None and response.status == 200, item.href
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert violations == []
    page.close()


def test_refused_input_shows_the_field_and_back_link_works(
    browser: Any, server: str, tmp_path: Path
) -> None:
    violations: list[str] = []
    page = _login(browser, server, "office.140521", violations)
    page.goto(server + "/supervision/tasks")
    response = page.goto(server + "/supervision/tasks?status=%E2%80%AEabc")
    assert response is not None and response.status == 422
    message = page.inner_text("[role=alert]")
    assert message.startswith("状态：") and "方向控制字符" in message
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scroll on a phone
    folder = Path(os.environ.get("HUANXIN_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(folder / "refused-input-390.png"))
    page.click("a[data-back]")
    page.wait_for_url(server + "/supervision/tasks")
    assert violations == []
    page.close()
