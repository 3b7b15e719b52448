"""Each role logs in and sees its menu; a county clerk is refused another county's page;
the pages fit a phone."""

from __future__ import annotations

from typing import Any

import pytest

from huanxin.core.roles import Role
from huanxin.demo import DEMO_PASSWORD
from huanxin.web.nav import grouped_menu_for, menu_for

pytestmark = pytest.mark.browser


def login(browser: Any, server: str, username: str, **context: Any) -> Any:
    page = browser.new_page(**context)
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_logs_in_and_sees_its_menu(browser: Any, server: str, role: str) -> None:
    page = login(browser, server, f"{role}.140521")
    labels = [t.strip() for t in page.locator("nav.menu a").all_text_contents()]
    top, groups = grouped_menu_for(role)
    grouped = top + [item for group in groups for item in group.items]
    shown = menu_for(role) if len(menu_for(role)) <= 8 else grouped
    assert labels == [item.label for item in shown]
    assert page.locator(".user").get_attribute("data-role") == role
    page.close()


def test_county_clerk_refused_other_county_page(browser: Any, server: str) -> None:
    page = login(browser, server, "office.140521")
    own = page.goto(server + "/admin/jurisdictions/140521")
    assert own is not None and own.status == 200
    assert "沁水县" in page.inner_text("#place-name")
    other = page.goto(server + "/admin/jurisdictions/371525")
    assert other is not None and other.status == 404
    assert "区划不存在" in page.inner_text("main")
    assert "冠县" not in page.content()
    page.close()


def test_wrong_password_shows_chinese_message(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", "office.371525")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".error")
    page.close()


def test_phone_layout_has_no_horizontal_scroll(browser: Any, server: str) -> None:
    page = login(browser, server, "merchant.371525", viewport={"width": 375, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert not page.locator("nav.menu").is_visible()
    page.click("label.nav-button")
    assert page.locator("nav.menu").is_visible()
    page.close()
