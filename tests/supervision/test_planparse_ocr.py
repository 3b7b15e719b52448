"""Scanned plans: an image-only PDF rendered here from text with a CJK font, read by OCR
(tesseract + chi_sim), and refused with a clear message where OCR is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from huanxin.supervision.planparse import NoTextLayer, ocr, parse_plan

pytestmark = pytest.mark.xdist_group("plan_ocr")

PLAN = """某县推动设备更新和消费品以旧换新实施方案
一、工作目标
到2027年，全县设备投资规模较2023年增长25%以上，报废汽车回收量较2023年翻一番。
二、重点任务
（一）推动工业设备更新。组织企业申报设备更新项目。（县工信局牵头，县发改局配合）
（二）开展汽车以旧换新。组织汽车促销活动。（县商务局牵头，县财政局、县公安局配合）
（三）推进家电以旧换新。支持家电销售企业开展促销。（县商务局负责）"""


def write_scan(text: str, path: Path) -> None:
    """An A4 page at 300 dpi with the text drawn on it, saved as an image-only PDF."""
    import mplfonts
    from PIL import Image, ImageDraw, ImageFont

    font_file = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font = ImageFont.truetype(str(font_file), 40)
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    y = 200
    for line in text.splitlines():
        for start in range(0, len(line), 48):
            draw.text((200, y), line[start : start + 48], font=font, fill=0)
            y += 70
    page.save(path, resolution=300)


def _require_ocr() -> None:
    if not ocr.available():
        if os.environ.get("CI") == "true":
            pytest.fail("tesseract with chi_sim is required when CI=true (see .ci/run)")
        pytest.skip("tesseract with chi_sim is not installed")


def test_scanned_plan_is_read_by_ocr_with_page_confidence(tmp_path: Path) -> None:
    _require_ocr()
    path = tmp_path / "scan.pdf"
    write_scan(PLAN, path)
    plan = parse_plan(path)
    assert [t["ref"] for t in plan["tasks"]] == ["二/（一）", "二/（二）", "二/（三）"]
    assert plan["tasks"][1]["lead_units"] == ["县商务局"]
    assert plan["tasks"][1]["support_units"] == ["县财政局", "县公安局"]
    assert plan["tasks"][2]["lead_units"] == ["县商务局"]
    kinds = {(t["kind"], t["value"], t["year"]) for t in plan["targets"]}
    assert ("increase_pct", 25, 2027) in kinds
    assert ("multiple", 2.0, 2027) in kinds
    pages = plan["ocr"]["pages"]
    assert [p["page"] for p in pages] == [1]
    assert 50 <= pages[0]["confidence"] <= 100


def test_scan_is_refused_clearly_without_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan.pdf"
    write_scan(PLAN, path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on this PATH
    assert not ocr.available()
    with pytest.raises(NoTextLayer) as caught:
        parse_plan(path)
    assert caught.value.status == 422
    assert "没有文本层" in caught.value.message
    assert "未安装文字识别" in caught.value.message
    assert "scan.pdf" in caught.value.message


def test_words_join_without_spaces_between_chinese() -> None:
    assert (
        ocr.join_words(["推动", "5G", "网络", "建设", "IPv6", "升级"]) == "推动5G网络建设IPv6升级"
    )
    assert ocr.join_words(["version", "2"]) == "version 2"


def test_usual_misreadings_of_labels_and_headings_are_fixed() -> None:
    text = "〈《八)开展汽车以旧换新\n(率头单位;县工信局;配合单位;县财政局)"
    assert ocr.fix_labels(text) == "（八）开展汽车以旧换新\n(牵头单位：县工信局;配合单位：县财政局)"
