"""Browser: a scanned plan and a Word plan with a task table, imported on a phone and on a
desktop screen — OCR confidence per page, table and text tasks apart, nothing sideways."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tests.supervision import plan_corpus as corpus
from tests.supervision.test_planparse_ocr import PLAN, _require_ocr, write_scan

from builders import ui_login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HUANXIN_SHOTS")  # a directory to keep screenshots in, when set


def _upload(page: Any, server: str, path: Path) -> None:
    page.goto(server + "/supervision")
    page.set_input_files("input[name=file]", str(path))
    page.click("form[action='/supervision/plans'] button[type=submit]")
    page.wait_for_selector("#plan-title")


def _look(page: Any, width: int, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_plan_page_after_scan_and_table_imports(
    browser: Any, server: str, tmp_path: Path, width: int
) -> None:
    _require_ocr()
    page = ui_login(browser, server, "office.140521", viewport={"width": width, "height": 900})
    scan = tmp_path / "扫描件方案.pdf"
    write_scan(PLAN, scan)
    _upload(page, server, scan)
    ocr = page.inner_text("#ocr")
    assert "第 1 页：" in ocr and "%" in ocr
    assert "正文中读出的任务（3 项）" in page.inner_text("main")
    _look(page, width, "scan")
    rows = [
        corpus.Row(
            "1",
            "推进家电以旧换新",
            "支持企业开展促销活动。",
            ["县商务局"],
            ["县财政局", "县市场监管局"],
        ),
        corpus.Row("2", "推动工业设备更新", "组织企业申报项目。", ["县发改局"], []),
    ]
    word = tmp_path / "分工方案.docx"
    corpus.write_docx(PLAN, rows, word, grouped=False)
    _upload(page, server, word)
    table = page.inner_text("#table-tasks")
    assert "推进家电以旧换新" in table and "县市场监管局" in table
    assert "section_without_units_not_a_task" not in page.content()
    _look(page, width, "table")
    page.close()
