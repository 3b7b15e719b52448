"""The product catalogue (/catalogue) as the page kit pages, sorts, filters, searches and
exports it: by category and validity on a day, found by brand, model or 69 barcode, the models
in force first (by category, then model)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, or_

from huanxin.claims.models import CatalogueProduct as Product
from huanxin.core.vocab import CATEGORIES
from huanxin.web.kit.lists import Column, Filter, ListSpec

VALIDITY = {"current": "有效期内", "expired": "已过期", "future": "未生效"}
OPENING = "current"


def _validity(value: str, today: date) -> ColumnElement[bool]:
    if value == "expired":
        return Product.valid_to.is_not(None) & (Product.valid_to < today)
    if value == "future":
        return Product.valid_from > today
    started = Product.valid_from <= today
    return started & (Product.valid_to.is_(None) | (Product.valid_to >= today))


def _matching(text: str) -> ColumnElement[bool]:
    """Models whose brand or model holds ``text``, or whose 69 barcode is ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(Product.brand.ilike(part), Product.model.ilike(part), Product.barcode == text)


def _valid(p: Product) -> str:
    return f"{p.valid_from} 至 {p.valid_to or '长期'}"


def spec(today: date) -> ListSpec:
    """The list, its validity filter judged on ``today`` (China's date)."""
    return ListSpec(
        title="补贴产品目录",
        columns=(
            Column("category", "品类", Product.category, lambda p: CATEGORIES.label(p.category)),
            Column("brand", "品牌", Product.brand, lambda p: p.brand),
            Column("model", "型号", Product.model, lambda p: p.model),
            Column("grade", "能效等级", Product.grade, lambda p: p.grade or ""),
            Column(
                "price",
                "指导价（元）",
                Product.list_price_fen,
                lambda p: Decimal(p.list_price_fen) / 100,
            ),
            Column("barcode", "商品条码", None, lambda p: p.barcode or ""),
            Column("valid", "有效期", Product.valid_from, _valid),
        ),
        default_sort="category",
        tiebreak=Product.id,
        search=_matching,
        search_hint="品牌、型号或商品条码",
        filters=(
            Filter("category", "品类", CATEGORIES.labels, lambda v: Product.category == v),
            Filter("valid", "有效期", VALIDITY, lambda v: _validity(v, today)),
        ),
    )
