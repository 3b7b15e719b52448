"""The cross-province match queue (/federation/matches) as the page kit pages, sorts,
filters, searches and exports it: the matches in scope, opening on those waiting for this
province's decision (the page drew every open match, or every match, at once), filtered by
progress, kind and side, found by claim number or the other province's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from huanxin.claims.api import LABELS as CLAIM_STATES
from huanxin.federation import matches
from huanxin.federation.models import MatchRecord as M
from huanxin.federation.service import KIND_LABELS
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"waiting": "待本省决定", "decided": "已决定待结案", "closed": "已结案"}
OPENING = "waiting"
KINDS = {str(k): v for k, v in KIND_LABELS.items()}


@dataclass(frozen=True)
class MatchRow:
    """A match with the claim it is about (its number, state and subsidy)."""

    match: M
    claim: Any

    @property
    def progress(self) -> str:
        m = self.match
        text = matches.STATUS_LABELS.get(m.status, "处理中")
        if m.outcome:
            text += "：" + matches.OUTCOME_LABELS.get(m.outcome, "")
        ours = matches.DISPOSITION_SHORT.get(m.our_disposition or "", "未处理")
        theirs = matches.DISPOSITION_SHORT.get(m.their_disposition or "", "未处理")
        return f"{text}；本省：{ours}；对方：{theirs}"


def _state(value: str) -> ColumnElement[bool]:
    if value == "closed":
        return M.status == "closed"
    if value == "decided":
        return and_(M.status != "closed", M.our_disposition.is_not(None))
    return and_(M.status != "closed", M.our_disposition.is_(None))


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    by_claim = [M.claim_id == int(text)] if text.isdigit() and len(text) < 19 else []
    return or_(*by_claim, M.other_name.ilike(part))


SPEC = ListSpec(
    title="跨省重复核查",
    columns=(
        Column("claim", "本省申请", M.claim_id, lambda r: r.match.claim_id),
        Column("kind", "重复内容", M.kind, lambda r: KINDS.get(r.match.kind, "唯一键")),
        Column("other", "对方省份", M.other_name, lambda r: r.match.other_name),
        Column("side", "本省情形", M.side, lambda r: matches.SIDE_LABELS.get(r.match.side, "")),
        Column(
            "claim_state",
            "申请状态",
            None,
            lambda r: CLAIM_STATES.get(r.claim.state, "未知") if r.claim else "",
        ),
        Column(
            "subsidy",
            "补贴（元）",
            None,
            lambda r: Decimal(r.claim.subsidy_fen) / 100 if r.claim else "",
        ),
        Column("status", "处理进度", M.status, lambda r: r.progress),
        Column(
            "created", "发现时间", M.created_at, lambda r: r.match.created_at.date().isoformat()
        ),
    ),
    default_sort="created",
    tiebreak=M.id,
    search=_matching,
    search_hint="申请编号或对方省份",
    filters=(
        Filter("state", "处理进度", STATES, _state),
        Filter("kind", "重复内容", KINDS, lambda v: M.kind == v),
        Filter("side", "本省情形", matches.SIDE_LABELS, lambda v: M.side == v),
    ),
)


def rows_of(claim_of: Callable[[int], Any]) -> Callable[[list[M]], list[MatchRow]]:
    """The page's matches with their claims (``claim_of``: the claim the actor may see)."""
    return lambda rows: [MatchRow(m, claim_of(m.claim_id)) for m in rows]
