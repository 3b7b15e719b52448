"""The jurisdictions page (/admin/jurisdictions) as the page kit pages, sorts, filters,
searches and exports it: every jurisdiction in scope in tree order, a page at a time (the
page drew the whole tree at once), filtered by level and parent, found by name or code."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, or_

from huanxin.core.jurisdictions import LEVEL_LABELS
from huanxin.core.models import Jurisdiction
from huanxin.web.kit.lists import Column, Filter, ListSpec


def _matching(text: str) -> ColumnElement[bool]:
    part = text.replace("%", "").replace("_", "")
    return or_(
        Jurisdiction.name.ilike(f"%{part}%"), Jurisdiction.code.startswith(part, autoescape=True)
    )


def _full(parents: Mapping[str, str], j: Jurisdiction) -> str:
    """``山西省/晋城市/沁水县``: the names down the tree (those above the scope left out)."""
    above = [parents[c] for c in j.path.strip("/").split("/")[:-1] if c in parents]
    return "/".join([*above, j.name])


def spec(parents: Mapping[str, str]) -> ListSpec:
    """The list; ``parents``: the jurisdictions in scope that have children, by code."""
    return ListSpec(
        title="行政区划",
        columns=(
            Column("code", "代码", Jurisdiction.code, lambda j: j.code),
            Column("name", "名称", Jurisdiction.name, lambda j: j.name),
            Column("level", "层级", Jurisdiction.level, lambda j: LEVEL_LABELS.get(j.level, "")),
            Column(
                "parent_code",
                "上级",
                Jurisdiction.parent_code,
                lambda j: parents.get(j.parent_code or "", ""),
            ),
            Column("path", "完整名称", Jurisdiction.path, lambda j: _full(parents, j)),
        ),
        default_sort="path",
        tiebreak=Jurisdiction.code,
        search=_matching,
        search_hint="名称或代码",
        filters=(
            Filter("level", "层级", LEVEL_LABELS, lambda v: Jurisdiction.level == v),
            Filter("parent_code", "上级区划", parents, lambda v: Jurisdiction.parent_code == v),
        ),
    )
