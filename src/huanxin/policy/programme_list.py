"""The programmes page (/programmes) as the page kit pages, sorts, filters, searches and
exports it: one row per stored version the actor may read, opening on those in force today
(the page drew every version of every programme as a card, 1,198 px wide on a laptop); a
row opens the version's rules (/programmes/{id})."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from huanxin.core.clock import today_cn
from huanxin.core.models import Jurisdiction
from huanxin.core.vocab import LEVELS, PAYMENT_MODES
from huanxin.policy.models import ProgrammeVersion as V
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"current": "现行有效", "future": "尚未生效", "ended": "已失效"}
OPENING = "current"


def _state(value: str) -> ColumnElement[bool]:
    today = today_cn()
    if value == "future":
        return V.effective_start > today
    if value == "ended":
        return and_(V.effective_end.is_not(None), V.effective_end < today)
    return and_(
        V.effective_start <= today, or_(V.effective_end.is_(None), V.effective_end >= today)
    )


def state_of(row: V) -> str:
    today = today_cn()
    if row.effective_start > today:
        return STATES["future"]
    if row.effective_end is not None and row.effective_end < today:
        return STATES["ended"]
    return STATES["current"]


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return V.title.ilike(part)


def places(session: Session) -> dict[str, str]:
    """Names of the jurisdictions programmes were issued by (全国 for the national ones)."""
    codes = set(session.scalars(select(V.jurisdiction_code).distinct()))
    found = session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(codes)))
    names = {j.code: j.name for j in found}
    return {code: names.get(code, "全国") for code in codes}


def spec(names: Mapping[str, str]) -> ListSpec:
    """The list; ``names``: issuing jurisdictions by code (the export's 发布机关 column)."""
    return ListSpec(
        title="补贴政策",
        columns=(
            Column("title", "政策名称", V.title, lambda r: r.title),
            Column("version", "版本", V.version, lambda r: r.version),
            Column("level", "层级", V.level, lambda r: LEVELS.label(r.level)),
            Column(
                "place",
                "发布区划",
                V.jurisdiction_code,
                lambda r: names.get(r.jurisdiction_code, ""),
            ),
            Column("start", "生效日期", V.effective_start, lambda r: r.effective_start.isoformat()),
            Column(
                "end",
                "截止日期",
                V.effective_end,
                lambda r: r.effective_end.isoformat() if r.effective_end else "长期",
            ),
            Column(
                "mode", "兑付方式", V.payment_mode, lambda r: PAYMENT_MODES.label(r.payment_mode)
            ),
            Column("state", "状态", None, state_of),
        ),
        default_sort="-start",
        tiebreak=V.id,
        search=_matching,
        search_hint="政策名称",
        filters=(
            Filter("state", "状态", STATES, _state),
            Filter("level", "层级", LEVELS.labels, lambda v: V.level == v),
            Filter("mode", "兑付方式", PAYMENT_MODES.labels, lambda v: V.payment_mode == v),
        ),
    )
