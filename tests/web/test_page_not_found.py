"""An unknown page answers a person in Chinese; the API keeps its JSON answer."""

from __future__ import annotations

import builders
from huanxin.db import Database


def test_unknown_page_is_a_chinese_error_page(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    page = builders.web_client(database, "office.140521").get("/no-such-page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"] and "页面不存在" in page.text
    api = builders.api_client(database, "office.140521").get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/json")
