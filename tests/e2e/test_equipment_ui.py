"""Equipment pages in a browser: the import page lists a bad file's errors row by row; the
project library dashboard renders its chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from huanxin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

BAD = "设备编号,设备类别,投运年份,效率(%)\nM1,电动机,2015,0.93\nM2,火箭,2015,\n"


def login(browser: Any, server: str, username: str) -> Any:
    page = browser.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def test_import_page_shows_row_by_row_errors(browser: Any, server: str, tmp_path: Path) -> None:
    page = login(browser, server, "enterprise.140521")
    page.goto(server + "/equipment")
    if page.locator("input[name=uscc]").count():  # not registered yet (demo without equipment)
        page.fill("input[name=uscc]", "91350100M000100Y43")
        page.fill("input[name=industry_code]", "C3411")
        page.click("form[action='/equipment/enterprises'] button[type=submit]")
    bad = tmp_path / "台账.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.click("form[action$='/import'] button[type=submit]")
    rows = page.locator("#import-errors tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in rows] == [["2", "效率(%)"], ["3", "设备类别"]]
    assert "未导入任何数据" in page.inner_text(".error")
    page.close()


def test_project_dashboard_renders(browser: Any, server: str) -> None:
    page = login(browser, server, "department.140521")
    page.goto(server + "/equipment/projects")
    assert page.locator("#dashboard-chart svg").count() == 1
    header = page.locator("#dashboard thead th").all_inner_texts()
    assert header[1:6] == ["谋划", "申报", "审批", "在建", "竣工投产"]
    page.close()
