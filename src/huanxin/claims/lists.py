"""The claims list as people work through it: its columns, what it sorts and filters by, the
search (``service.find``), and where it opens — on the claims waiting for the viewer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import ColumnElement

from huanxin.claims import states
from huanxin.claims.models import Claim
from huanxin.claims.service.find import WAITING, matching
from huanxin.core.actor import Actor
from huanxin.core.clock import CHINA_TZ, today_cn
from huanxin.core.money import yuan_number
from huanxin.core.vocab import CATEGORIES
from huanxin.web.kit.lists import Column, Filter, ListSpec

KINDS = {"point_of_sale": "即时立减", "application": "事后申请"}
TO_PAY = ("approved",)
CLOSED = ("paid", "cancelled", "returned", "rejected_final")
# Views of several states first (where the list opens), then each state by its label.
VIEWS: dict[str, tuple[str, ...]] = {
    "waiting": WAITING,
    "to_pay": TO_PAY,
    "open": tuple(s for s in states.LABELS if s not in CLOSED),
}
VIEW_LABELS = {"waiting": "待审核", "to_pay": "待支付", "open": "未办结"}


DAYS = {"today": "今天", "month": "本月"}


def since(value: str) -> ColumnElement[bool]:
    """Claims made since the start of today or of this month (China time)."""
    first = today_cn() if value == "today" else today_cn().replace(day=1)
    # In UTC: SQLite keeps the stored UTC wall time and would compare it with China time.
    return Claim.created_at >= datetime.combine(first, time(), CHINA_TZ).astimezone(UTC)


def _state(value: str) -> ColumnElement[bool]:
    return Claim.state.in_(VIEWS.get(value, (value,)))


def _yuan(fen: int) -> Decimal:
    """An amount as a number of yuan (a spreadsheet sums and sorts it)."""
    return yuan_number(fen)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


SPEC = ListSpec(
    title="补贴申请",
    columns=(
        Column("id", "编号", Claim.id, lambda c: c.id),
        Column("kind", "类型", Claim.kind, lambda c: KINDS.get(c.kind, c.kind)),
        Column("category", "品类", Claim.category, lambda c: CATEGORIES.label(c.category)),
        Column("model", "型号", Claim.product_model, lambda c: c.product_model),
        Column("purchase_date", "购买日期", Claim.purchase_date, lambda c: _day(c.purchase_date)),
        Column("price", "售价（元）", Claim.price_fen, lambda c: _yuan(c.price_fen)),
        Column("subsidy", "补贴（元）", Claim.subsidy_fen, lambda c: _yuan(c.subsidy_fen)),
        Column("state", "状态", Claim.state, lambda c: states.LABELS.get(c.state, c.state)),
        Column("review_due", "审核期限", Claim.review_due, lambda c: _day(c.review_due)),
    ),
    default_sort="-id",
    tiebreak=Claim.id,
    search=matching,
    search_hint="编号、发票号、型号、序列号、身份证号、车架号或品类",
    filters=(
        Filter("state", "状态", {**VIEW_LABELS, **states.LABELS}, _state),
        Filter("kind", "类型", KINDS, lambda v: Claim.kind == v),
        Filter("category", "品类", CATEGORIES.labels, lambda v: Claim.category == v),
        Filter("day", "日期", DAYS, since),
    ),
)


def opening_view(actor: Actor) -> str:
    """Where the list opens: a reviewer on the claims to decide, finance on those to pay,
    everyone else on the claims not yet settled."""
    if actor.can("claims:review"):
        return "waiting"
    if actor.can("settlement:write"):
        return "to_pay"
    return "open"


def filters(
    actor: Actor, state: str | None, kind: str, category: str, day: str = ""
) -> Mapping[str, str]:
    """The filters the list shows: the chosen ones, the state opening on the viewer's work."""
    chosen = opening_view(actor) if state is None else state
    return {"state": chosen, "kind": kind, "category": category, "day": day}
