"""Credit records (complaints, disputes, violations, fulfilment) as the page kit pages, sorts,
filters, searches and exports them. The bureau's credit page (/secondhand/credit) opens on
the records still waiting to be handled (the page showed the newest 300); a consumer's
complaints page lists every complaint of theirs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import CreditEvent, Dealer
from huanxin.web.kit.lists import Column, Filter, ListSpec

PENDING = "pending"
OUTCOME_VIEWS = {PENDING: "待处理", "closed": "已处理"}


def _outcome(value: str) -> ColumnElement[bool]:
    if value == PENDING:
        return CreditEvent.outcome == PENDING
    return CreditEvent.outcome != PENDING


def _matching(text: str) -> ColumnElement[bool]:
    """Records whose description holds ``text``, or of a dealer whose name holds it."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    dealers = (
        select(Dealer.id)
        .join(Organization, Organization.id == Dealer.org_id)
        .where(Organization.name.ilike(part))
    )
    return or_(CreditEvent.description.ilike(part), CreditEvent.dealer_id.in_(dealers))


def kind_text(row: dict[str, Any]) -> str:
    serious = row["kind"] == "violation" and row["severity"] == "serious"
    return vocab.CREDIT_KINDS[row["kind"]] + ("（严重）" if serious else "")


SPEC = ListSpec(
    title="信用记录",
    columns=(
        Column("dealer", "经营者", None, lambda r: r["dealer"]),
        Column("kind", "类型", CreditEvent.kind, kind_text),
        Column("description", "说明", None, lambda r: r["description"]),
        Column("date", "日期", CreditEvent.occurred_on, lambda r: r["occurred_on"]),
        Column("outcome", "结果", CreditEvent.outcome, lambda r: r["outcome_label"]),
    ),
    default_sort="-date",
    tiebreak=CreditEvent.id,
    search=_matching,
    search_hint="经营者名称或情况说明",
    filters=(
        Filter("outcome", "处理状态", OUTCOME_VIEWS, _outcome),
        Filter("kind", "类型", vocab.CREDIT_KINDS, lambda v: CreditEvent.kind == v),
    ),
)

# A consumer's own complaints: every one is a complaint, so only the state filters them.
COMPLAINTS = replace(SPEC, title="我的投诉", filters=SPEC.filters[:1])
