"""Merchants' stores (sites with coordinates) and tills (terminal ids), and the lookup a
redemption makes: which registered till and store it happened at, and where the till
reported the device to be.

A merchant registers its own stores and tills only (both carry its organisation); a
redemption naming a terminal id or store the merchant has not registered is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huanxin.claims.errors import (
    AccountNotMerchant,
    BadLocation,
    SiteAlreadyRegistered,
    UnknownStore,
    UnknownTill,
)
from huanxin.claims.models import MerchantStore, MerchantTill
from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import InvalidInput, Required


@dataclass(frozen=True)
class Place:
    """Where a redemption happened: the till, its store and the device's reported spot."""

    store_id: int | None = None
    terminal_id: str | None = None
    lat: float | None = None
    lon: float | None = None


def _org(actor: Actor) -> int:
    if actor.org_id is None:
        raise AccountNotMerchant("当前账号未绑定商户，不能登记门店或收银终端", field="store")
    return actor.org_id


def check_location(lat: float | None, lon: float | None, *, field: str = "lat") -> None:
    """Both coordinates or neither, each within its range (WGS84 degrees)."""
    if (lat is None) != (lon is None):
        raise BadLocation("纬度和经度须同时填写", field=field)
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadLocation("纬度须在 -90 至 90 之间，经度须在 -180 至 180 之间", field=field)


def _flush(session: Session, message: str, field: str) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise SiteAlreadyRegistered(message, field=field) from exc


def register_store(
    session: Session, actor: Actor, *, name: str, address: str, lat: float, lon: float
) -> MerchantStore:
    """A new store of the actor's merchant, in the actor's jurisdiction."""
    org_id = _org(actor)
    if not name.strip():
        raise Required("请填写门店名称", field="store_name")
    check_location(lat, lon)
    store = MerchantStore(
        org_id=org_id,
        jurisdiction_code=actor.jurisdiction_code,
        name=name.strip(),
        address=address.strip(),
        lat=lat,
        lon=lon,
        created_at=utcnow(),
    )
    session.add(store)
    _flush(session, f"门店“{store.name}”已登记", "store_name")
    audit.record(
        session,
        actor,
        "merchant.store_registered",
        object_type="merchant_store",
        object_id=store.id,
        after={"name": store.name, "lat": lat, "lon": lon},
        jurisdiction_code=store.jurisdiction_code,
    )
    return store


def _store(session: Session, actor: Actor, store_id: int) -> MerchantStore:
    store = session.get(MerchantStore, store_id)
    if store is None or store.org_id != actor.org_id:
        raise UnknownStore("该门店不是本商户登记的门店", field="store")
    return store


def register_till(
    session: Session, actor: Actor, *, store_id: int, terminal_id: str
) -> MerchantTill:
    """A new till (terminal id) in one of the actor's stores."""
    store = _store(session, actor, store_id)
    terminal = terminal_id.strip().upper()
    if not 2 <= len(terminal) <= 32:
        raise InvalidInput("收银终端号须为2-32个字符", field="terminal_id")
    till = MerchantTill(
        org_id=store.org_id, store_id=store.id, terminal_id=terminal, created_at=utcnow()
    )
    session.add(till)
    _flush(session, f"收银终端“{terminal}”已登记", "terminal_id")
    audit.record(
        session,
        actor,
        "merchant.till_registered",
        object_type="merchant_till",
        object_id=till.id,
        after={"terminal_id": terminal, "store_id": store.id},
        jurisdiction_code=store.jurisdiction_code,
    )
    return till


def stores_of(session: Session, actor: Actor) -> list[MerchantStore]:
    if actor.org_id is None:
        return []
    stmt = select(MerchantStore).where(MerchantStore.org_id == actor.org_id)
    return list(session.scalars(stmt.order_by(MerchantStore.id)))


def tills_of(session: Session, actor: Actor) -> list[MerchantTill]:
    if actor.org_id is None:
        return []
    stmt = select(MerchantTill).where(MerchantTill.org_id == actor.org_id)
    return list(session.scalars(stmt.order_by(MerchantTill.id)))


def place_of(
    session: Session,
    actor: Actor,
    *,
    terminal_id: str | None = None,
    store_id: int | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> Place:
    """The redemption's place: a registered till (whose store it is in) or store, and the
    device's reported coordinates. A till in another store than the one named is refused."""
    check_location(lat, lon, field="redeem_lat")
    terminal = (terminal_id or "").strip().upper() or None
    if terminal is not None:
        till = session.scalars(
            select(MerchantTill).where(
                MerchantTill.org_id == actor.org_id, MerchantTill.terminal_id == terminal
            )
        ).one_or_none()
        if till is None:
            raise UnknownTill(f"收银终端“{terminal}”未在本商户登记", field="terminal_id")
        if store_id is not None and store_id != till.store_id:
            raise UnknownStore("收银终端不在所选门店", field="store")
        store_id = till.store_id
    elif store_id is not None:
        _store(session, actor, store_id)
    return Place(store_id=store_id, terminal_id=terminal, lat=lat, lon=lon)
