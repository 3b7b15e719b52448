"""The plan page after an import: tasks read from running text and from a table shown apart,
unplaced text with Chinese reasons, and a scan's per-page OCR confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.supervision import plan_corpus as corpus
from tests.supervision.conftest import PLAN_TEXT
from tests.supervision.test_planparse_ocr import PLAN, _require_ocr, write_scan

import builders
from huanxin.db import Database

pytestmark = pytest.mark.xdist_group("plan_ocr")


def _upload(web: builders.TestClient, name: str, content: bytes) -> str:
    home = web.get("/supervision")
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = web.post(
        "/supervision/plans",
        data={"csrf_token": csrf, "jurisdiction_code": "140521"},
        files={"file": (name, content)},
    )
    assert r.status_code == 303, r.text
    return web.get(r.headers["location"]).text


def test_table_and_text_tasks_shown_apart(
    database: Database, sv_world: dict[str, int], tmp_path: Path
) -> None:
    rows = [
        corpus.Row("1", "推进家电以旧换新", "支持企业开展促销活动。", ["县商务局"], ["县财政局"]),
        corpus.Row("2", "推动工业设备更新", "组织企业申报项目。", ["县发改局"], []),
    ]
    path = tmp_path / "plan.docx"
    corpus.write_docx(PLAN_TEXT, rows, path, grouped=False)
    web = builders.web_client(database, "office.140521")
    page = _upload(web, "plan.docx", path.read_bytes())
    assert "正文中读出的任务（3 项）" in page
    assert "附件表格中读出的任务（2 项）" in page
    table = page.split('id="table-tasks"')[1].split("</table>")[0]
    assert "推进家电以旧换新" in table and "县财政局" in table
    assert "章节未写责任单位，未作为任务" in page
    assert "section_without_units_not_a_task" not in page and "increase_pct" not in page
    assert "扫描件文字识别" not in page


def test_scan_page_shows_ocr_confidence(
    database: Database, sv_world: dict[str, int], tmp_path: Path
) -> None:
    _require_ocr()
    path = tmp_path / "scan.pdf"
    write_scan(PLAN, path)
    web = builders.web_client(database, "office.140521")
    page = _upload(web, "scan.pdf", path.read_bytes())
    section = page.split('id="ocr"')[1].split("</section>")[0]
    assert "第 1 页：" in section and "%" in section
    assert "正文中读出的任务（3 项）" in page


def test_scan_refused_without_ocr_nothing_saved(
    database: Database, sv_world: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan.pdf"
    write_scan(PLAN, path)
    monkeypatch.setenv("PATH", str(tmp_path))
    api = builders.api_client(database, "office.140521")
    r = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("scan.pdf", path.read_bytes())},
        headers={"Idempotency-Key": "scan-no-ocr"},
    )
    assert r.status_code == 422
    assert "未安装文字识别" in r.json()["message"]
    assert api.get("/api/v1/supervision/plans").json() == []
