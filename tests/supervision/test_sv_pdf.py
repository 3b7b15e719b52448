"""The briefing as PDF through LibreOffice: offered only where it is installed, Chinese text
intact in the PDF, and clear messages when it is missing, times out or fails."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import date
from typing import Any

import pdfplumber
import pytest

import builders
from huanxin.db import Database
from huanxin.supervision.service import briefings

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def soffice() -> str:
    binary = briefings.office_binary()
    if binary is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is required when CI=true")
        pytest.skip("LibreOffice not installed")
    return binary


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and spaces removed (lines wrap anywhere)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    return "".join(text.split())


def _docx() -> bytes:
    content = briefings.Content(
        place="沁水县", rows=[], reports_in_period=2, progress=[("设备投资规模", 40.0)]
    )
    return briefings.render_docx(
        content, number=7, start=date(2026, 1, 1), end=date(2026, 6, 30), day=date(2026, 7, 1)
    )


def test_the_briefing_converts_with_its_chinese_text(soffice: str) -> None:
    pdf, reason = briefings.to_pdf(_docx())
    assert pdf is not None and reason == ""
    text = pdf_text(pdf)
    for expected in (
        "工作信息简报",
        "第7期",
        "沁水县推动大规模设备更新和消费品以旧换新工作专班办公室",
        "一、总体情况",
        "本期进展报告2份",
        "三、任务推进情况",
        "本期无逾期任务",
    ):
        assert expected in text, expected


def test_conversion_failures_have_clear_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(briefings, "office_binary", lambda: None)
    assert briefings.to_pdf(b"x") == (None, briefings.NO_LIBREOFFICE)
    monkeypatch.setattr(briefings, "office_binary", lambda: "/usr/bin/soffice")

    def slow(*args: Any, **kwargs: Any) -> None:
        raise subprocess.TimeoutExpired(cmd="soffice", timeout=kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", slow)
    pdf, reason = briefings.to_pdf(b"x", timeout=5)
    assert pdf is None and reason == "LibreOffice 转换 PDF 超时（5秒），请稍后重试或下载 Word 版本"
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: None)  # ran, wrote nothing
    assert briefings.to_pdf(b"x")[1] == "LibreOffice 转换 PDF 失败，请下载 Word 版本"


def _issue(db: Database, key: str) -> tuple[builders.TestClient, dict[str, Any]]:
    api = builders.api_client(db, "office.140521")
    body = {"jurisdiction_code": "140521", "period_start": "2026-01-01", "period_end": "2026-06-30"}
    r = api.post("/api/v1/supervision/briefings", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return api, r.json()


def test_api_and_page_offer_the_pdf(
    database: Database, sv_world: dict[str, int], soffice: str
) -> None:
    api, made = _issue(database, "b1")
    assert made["pdf"] == f"/api/v1/supervision/briefings/{made['id']}.pdf"
    got = api.get(made["pdf"])
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert "第1期" in pdf_text(got.content)
    page = builders.web_client(database, "office.140521").get("/supervision/briefings")
    assert made["pdf"] in page.text and 'id="no-pdf"' not in page.text


def test_without_libreoffice_only_word_is_offered(
    database: Database, sv_world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(briefings, "office_binary", lambda: None)
    api, made = _issue(database, "b2")
    assert made["pdf"] is None and made["docx"].endswith(".docx")
    assert api.get("/api/v1/supervision/briefings").json()[0]["pdf"] is None
    missing = api.get(f"/api/v1/supervision/briefings/{made['id']}.pdf")
    assert missing.status_code == 503
    assert missing.json()["message"] == briefings.NO_LIBREOFFICE
    page = builders.web_client(database, "office.140521").get("/supervision/briefings")
    assert ".pdf" not in page.text and "未安装 LibreOffice" in page.text
