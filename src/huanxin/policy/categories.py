"""The categories the programmes cover, as a vocabulary people pick from: the code each
programme file declares, shown by the one category label table (``core.vocab``), and found
again from a Chinese name, an alias or pinyin."""

from __future__ import annotations

from collections.abc import Iterable

from huanxin.core.vocab import CATEGORIES, CATEGORY_LABELS, Vocabulary
from huanxin.policy.schema import NATIONAL_CODE, Programme


def vocabulary(programmes: Iterable[Programme], path: list[str] | None = None) -> Vocabulary:
    """Categories of ``programmes`` (only those issued on ``path`` when given)."""
    labels: dict[str, str] = {}
    for p in programmes:
        if path is not None and p.jurisdiction.code not in (NATIONAL_CODE, *path):
            continue
        for c in p.categories:
            labels.setdefault(c.code, CATEGORY_LABELS.get(c.code, c.name))
    aliases = {a: code for a, code in CATEGORIES.aliases.items() if code in labels}
    return Vocabulary(CATEGORIES.field_label, labels, aliases)


def resolve(programmes: Iterable[Programme], text: str, *, field: str = "category") -> str:
    """The category code for ``text`` among the categories any programme covers."""
    known = vocabulary(programmes)
    if text in known.labels:
        return text
    return known.resolve(text, field=field)
