"""The till's demo: branded catalogue models with their 69 barcodes (so the till finds 海尔 by
``he`` or by scanning the box), and a store with one till for each demo county's first
merchant (so a sale starts at a till and its receipt names the store)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.claims.models import CatalogueProduct
from huanxin.claims.service import sites
from huanxin.core import identifiers
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow

# brand, model, category, grade, filed price (fen), the first 12 digits of its barcode
PRODUCTS = [
    ("海尔", "BCD-510WGHSSEDS9", "refrigerator", 1, 429900, "690617312001"),
    ("美的", "BCD-470WSPZM", "refrigerator", 1, 369900, "692135807001"),
    ("小天鹅", "TG100V88WMUIADY5", "washing_machine", 1, 329900, "690518103001"),
    ("海信", "65E5N", "television", 1, 399900, "690293601001"),
    ("格力", "KFR-35GW-NhGc1B", "air_conditioner", 1, 329900, "693809407001"),
    ("联想", "ThinkBook-14", "computer", None, 499900, "693534501001"),
    ("万和", "JSQ25-13ET12", "water_heater", 1, 249900, "690654102001"),
]
# county code -> (store, address, latitude, longitude) of its first merchant's store
STORES = {
    "140521": ("沁水县城旗舰店", "沁水县龙港镇杏园东街8号", 35.6905, 112.1870),
    "371525": ("冠县城区店", "冠县清泉街道红旗北路66号", 36.4840, 115.4420),
    "140300": ("阳泉市区店", "阳泉市城区桃北中街18号", 37.8570, 113.5700),
}
TILL = "01"


def _products(session: Session) -> None:
    known = set(session.scalars(select(CatalogueProduct.model)))
    for brand, model, category, grade, price, body in PRODUCTS:
        if model in known:
            continue
        session.add(
            CatalogueProduct(
                category=category,
                brand=brand,
                model=model,
                grade=grade,
                list_price_fen=price,
                barcode=body + identifiers.gtin_check_digit(body),
                valid_from=date(2025, 1, 1),
                created_at=utcnow(),
            )
        )


def _store(session: Session, merchant: Actor) -> None:
    place = STORES.get(merchant.jurisdiction_code)
    if place is None or sites.stores_of(session, merchant):
        return
    name, address, lat, lon = place
    store = sites.register_store(session, merchant, name=name, address=address, lat=lat, lon=lon)
    sites.register_till(session, merchant, store_id=store.id, terminal_id=TILL)


def build(session: Session, merchants: list[Actor]) -> None:
    """Add the branded models and a store with a till for each of ``merchants``."""
    _products(session)
    for merchant in merchants:
        _store(session, merchant)
    session.flush()
