"""The market's listings (/secondhand/trade) as the page kit pages, sorts, filters, searches
and exports them: listings in scope, opening on those still open (listed, under offer,
agreed, stored or in transport), newest first (the page showed the newest 300 before)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select

from huanxin.core.models import Organization
from huanxin.secondhand import vocab
from huanxin.secondhand.models import Listing
from huanxin.secondhand.service.trading import ListingView
from huanxin.web.kit.lists import Column, Filter, ListSpec

VIEW_LABELS = {"open": "进行中"}
OPENING = "open"


def _state(value: str) -> ColumnElement[bool]:
    return Listing.state.in_(vocab.LISTING_OPEN if value == "open" else (value,))


def _matching(text: str) -> ColumnElement[bool]:
    """Listings by number, title, brand, model or serial, or of a seller whose name holds it."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    sellers = select(Organization.id).where(Organization.name.ilike(part))
    by_number = [Listing.id == int(text)] if text.isdigit() and len(text) < 19 else []
    return or_(
        *by_number,
        Listing.title.ilike(part),
        Listing.brand.ilike(part),
        Listing.model.ilike(part),
        Listing.serial.ilike(part),
        Listing.seller_org_id.in_(sellers),
    )


def _price(row: ListingView) -> Decimal:
    return Decimal(row.asking_price_fen) / 100


SPEC = ListSpec(
    title="旧设备挂牌",
    columns=(
        Column("id", "编号", Listing.id, lambda r: r.id),
        Column("title", "标题", Listing.title, lambda r: r.title),
        Column("seller", "卖方", None, lambda r: r.seller),
        Column("condition", "成色", Listing.condition, lambda r: vocab.GRADES[r.condition]),
        Column("price", "挂牌价（元）", Listing.asking_price_fen, _price),
        Column("state", "状态", Listing.state, lambda r: r.state_label),
    ),
    default_sort="-id",
    tiebreak=Listing.id,
    search=_matching,
    search_hint="编号、标题、品牌、型号、序列号或卖方",
    filters=(
        Filter("state", "状态", VIEW_LABELS | vocab.LISTING_STATES, _state),
        Filter("condition", "成色", vocab.GRADES, lambda v: Listing.condition == v),
    ),
)
