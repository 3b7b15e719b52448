"""The settlement page's list of payment batches as the page kit pages, sorts, filters,
searches and exports it; it opens on the batches not yet settled (finance's waiting work)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select

from huanxin.claims.models import PaymentBatch, PaymentItem
from huanxin.core.clock import local_text
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"open": "待导出", "exported": "已导出", "settled": "已结清"}
VIEWS = {"unsettled": ("open", "exported")}
VIEW_LABELS = {"unsettled": "未结清"}
OPENING = "unsettled"


def _state(value: str) -> ColumnElement[bool]:
    return PaymentBatch.state.in_(VIEWS.get(value, (value,)))


def _matching(text: str) -> ColumnElement[bool]:
    """A batch by its number, or the batches paying a payee whose name holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    paying = select(PaymentItem.batch_id).where(PaymentItem.payee_name.ilike(part))
    by_number = [PaymentBatch.id == int(text)] if text.isdigit() and len(text) < 19 else []
    return or_(*by_number, PaymentBatch.id.in_(paying))


SPEC = ListSpec(
    title="支付批次",
    columns=(
        Column("id", "批次", PaymentBatch.id, lambda b: b.id),
        Column("state", "状态", PaymentBatch.state, lambda b: STATES.get(b.state, b.state)),
        Column("total", "合计（元）", PaymentBatch.total_fen, lambda b: Decimal(b.total_fen) / 100),
        Column("created", "生成时间", PaymentBatch.created_at, lambda b: local_text(b.created_at)),
        Column("settled", "结清时间", PaymentBatch.settled_at, lambda b: local_text(b.settled_at)),
    ),
    default_sort="-id",
    tiebreak=PaymentBatch.id,
    search=_matching,
    search_hint="批次号或收款方名称",
    filters=(Filter("state", "状态", {**VIEW_LABELS, **STATES}, _state),),
)
