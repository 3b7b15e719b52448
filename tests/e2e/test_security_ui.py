"""Login throttling and the audit page in a real browser: a finance clerk is delayed after
five wrong passwords, the county admin sees 「登录受限」 on 用户管理 and clears it with the
button, the audit page tells it in Chinese; both pages fit 390 px and 1366 px."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

import builders
from huanxin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CLERK = "finance.371525"  # no other browser test logs in as this user
ADMIN = "admin.371525"


def _form_login(server: str, password: str) -> int:
    data = {"username": CLERK, "password": password, "next": "/"}
    return httpx.post(server + "/login", data=data, follow_redirects=False).status_code


def _shoot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("HUANXIN_SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def _fits(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_throttled_clerk_is_unlocked_by_the_admin(
    browser: Any, server: str, tmp_path: Path
) -> None:
    assert [_form_login(server, "wrong") for _ in range(5)] == [401] * 5
    assert _form_login(server, DEMO_PASSWORD) == 429

    page = builders.ui_login(browser, server, ADMIN, viewport={"width": 1366, "height": 900})
    page.goto(server + "/admin/users")
    row = page.locator("tr", has_text=CLERK)
    assert "登录受限" in row.inner_text()
    _shoot(page, tmp_path, "users-1366")
    phone = builders.ui_login(browser, server, ADMIN, viewport={"width": 390, "height": 844})
    phone.goto(server + "/admin/users")
    _fits(phone, 390)
    _shoot(phone, tmp_path, "users-390")

    row.locator("button", has_text="解除登录限制").click()
    page.wait_for_url("**/admin/users?unlocked=*")
    assert "的登录限制" in page.inner_text("[role=status]")
    assert "登录受限" not in page.locator("tr", has_text=CLERK).inner_text()
    assert _form_login(server, DEMO_PASSWORD) == 303

    page.goto(server + "/audit")
    text = page.inner_text("main")
    assert "审计链校验通过" in text and "解除登录限制" in text
    assert "登录失败次数过多，暂时限制登录" in text
    _shoot(page, tmp_path, "audit-1366")
    phone.goto(server + "/audit")
    _fits(phone, 390)
    _shoot(phone, tmp_path, "audit-390")
    page.close()
    phone.close()
