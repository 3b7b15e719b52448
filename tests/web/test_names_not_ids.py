"""Internal references a page would otherwise print as they are stored: a journal leg's
business number and a detector's "商户 13" read as a person says them."""

from __future__ import annotations

from huanxin.integrity.pages import _name_merchant
from huanxin.ledger.pages import ref_text


def test_journal_references_read_as_business_numbers() -> None:
    assert ref_text("claim:56") == "补贴申请 56"
    assert ref_text("claim:56:pay") == "补贴申请 56（支付）"
    assert ref_text("claim:1:clawback") == "补贴申请 1（追回）"
    assert ref_text("tranche:3:4") == "第4批计划下达"
    assert ref_text("year_end:3") == "年末处理"
    assert ref_text("晋财建〔2025〕12号") == "晋财建〔2025〕12号"  # typed by a person, kept


def test_detector_explanations_name_the_merchant() -> None:
    text = "商户 13 在 2026-12-01 当天申领 9 笔；商户 130 另计。"
    assert (
        _name_merchant(13, "沁水家电城", text)
        == "商户“沁水家电城”在 2026-12-01 当天申领 9 笔；商户 130 另计。"
    )
    assert _name_merchant(None, None, text) == text
