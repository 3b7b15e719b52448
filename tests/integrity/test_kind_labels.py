"""Every fraud kind has a Chinese name for the pages; an unknown kind never shows as a code."""

from __future__ import annotations

from huanxin.integrity.schema import FRAUD_KIND_LABELS, FRAUD_KINDS, kind_label


def test_every_fraud_kind_is_named() -> None:
    assert set(FRAUD_KINDS) <= set(FRAUD_KIND_LABELS)
    assert all(not label.isascii() for label in FRAUD_KIND_LABELS.values())


def test_unknown_kind_reads_as_chinese() -> None:
    assert kind_label("after_hours_burst") == "非营业时间集中申领"
    assert kind_label("made_up_kind") == "其他风险"
