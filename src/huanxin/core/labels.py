"""Chinese labels of input fields, so a refusal names the field as a person knows it.

``label(name)`` answers the label of a parameter, form field, JSON field or column name;
``tests/web/test_input_bounds.py`` fails on any route input without one.
"""

from __future__ import annotations

LABELS: dict[str, str] = {
    "body": "请求内容",
    "path": "访问路径",
}


def label(name: str) -> str:
    """The Chinese label of ``name`` (the last part of a dotted location), else a generic one."""
    parts = [p for p in str(name).split(".") if p and not p.isdigit()]
    key = parts[-1] if parts else "body"
    return LABELS.get(key, LABELS.get(key.removesuffix("_fen"), "输入项"))


def has_label(name: str) -> bool:
    return name in LABELS
