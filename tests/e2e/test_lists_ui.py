"""Finding claims in the browser: the list opens on the waiting work, pages, searches and
exports what is filtered to .xlsx, without sideways scrolling, on a desktop and a phone."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from builders import ui_login as login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HUANXIN_SHOTS")  # a directory to keep screenshots in, when set
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _count(page: Any) -> int:
    found = re.search(r"共 ([\d,]+) 条", page.inner_text(".list-count"))
    assert found, page.inner_text("main")
    return int(found.group(1).replace(",", ""))


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_claims_list_pages_searches_and_exports(browser: Any, server: str, size: str) -> None:
    width, height = SIZES[size]
    office = login(browser, server, "office.140521", viewport={"width": width, "height": height})
    office.goto(server + "/claims?state=all")
    total = _count(office)
    assert total > 50 and office.locator("#claims tbody tr").count() == 50
    assert office.evaluate("document.documentElement.scrollWidth") <= width
    _shot(office, f"claims-list-{width}")
    first = office.locator("#claims tbody tr td a").first.inner_text()
    office.click(".pager a[rel=next]")
    assert "第 2 /" in office.inner_text(".pager")
    assert first not in office.locator("#claims tbody").inner_text()

    office.fill("input[name=q]", first)
    office.click(".list-controls button[type=submit]")
    assert _count(office) == 1 and office.locator("#claims tbody tr td a").inner_text() == first

    office.select_option("select[name=state]", "paid")
    office.fill("input[name=q]", "")
    office.click(".list-controls button[type=submit]")
    paid = _count(office)
    with office.expect_download() as download:
        office.click("text=导出Excel")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == paid + 1 and {r[7] for r in rows[1:]} == {"已支付"}
    assert download.value.suggested_filename.startswith("补贴申请-")
    office.close()


@pytest.mark.parametrize("size", SIZES)
def test_audit_list_pages_and_filters(browser: Any, server: str, size: str) -> None:
    width, height = SIZES[size]
    office = login(browser, server, "office.140521", viewport={"width": width, "height": height})
    office.goto(server + "/audit")
    total = _count(office)
    assert total > 50 and office.locator("#audit tbody tr").count() == 50
    assert office.evaluate("document.documentElement.scrollWidth") <= width
    _shot(office, f"audit-list-{width}")
    office.select_option("select[name=action]", "auth.login")
    office.click(".list-controls button[type=submit]")
    logins = _count(office)
    assert 0 < logins < total and "登录" in office.locator("#audit tbody").inner_text()
    office.close()
