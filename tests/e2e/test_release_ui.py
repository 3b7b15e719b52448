"""Timed releases in the browser (the demo defines smart-home releases): the office sees its
schedules at 1366 and 390 px, the consumer sees the next release on /my and claims or is told
when the next release is; a lottery entry leads to the public record, or names its close."""

from __future__ import annotations

from typing import Any

import pytest

from builders import ui_login as login

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}}
DESK = {"viewport": {"width": 1366, "height": 900}}


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_office_sees_schedules_and_rounds(browser: Any, server: str) -> None:
    for size, limit in ((DESK, 1366), (PHONE, 390)):
        office = login(browser, server, "office.140521", **size)
        office.goto(server + "/quota-releases")
        assert "智能门锁" in office.inner_text("#releases") and "摇号" in office.inner_text(
            "#releases"
        )
        assert _width(office) <= limit
        office.click("#releases tbody a >> nth=0")  # the header links sort
        assert "每日" in office.inner_text("main") and _width(office) <= limit
        office.close()


def test_consumer_claims_from_the_release_or_learns_the_next(browser: Any, server: str) -> None:
    consumer = login(browser, server, "consumer.140521", **PHONE)
    consumer.goto(server + "/my")
    assert "智能门锁" in consumer.inner_text("#next-releases")
    consumer.fill("input[name=category]", "智能门锁")
    consumer.click("form[action='/my/quotas'] button")
    main = consumer.inner_text("main")
    claimed = "智能门锁" in consumer.inner_text("#quotas")
    assert claimed or "下次发放" in main or "已领完" in main, main
    assert _width(consumer) <= 390
    consumer.click("#next-releases button")
    text = consumer.inner_text("main")
    if "/public/lottery/" in consumer.url:
        assert "您的摇号编号" in text and "种子哈希" in text
    else:
        assert "截止" in text or "尚未开始" in text, text
    assert _width(consumer) <= 390
    consumer.close()
