"""The recycling network: sites by tier, vehicles, service areas and versioned price lists.

Sites and vehicles are created and edited (the same rules both ways); a price list is never
edited: a change is a new version with its own effective date, so every quote keeps the
prices it was made with.

Service-area rule: a booking's coordinates must lie within ``radius_m`` (great-circle
distance) of the centre of the service area of the booking's jurisdiction, or of its
nearest ancestor that has one. A jurisdiction with no area anywhere up its tree takes no
bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor, visible, within
from huanxin.core.audit import AuditActor
from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    NotAChoice,
    NotFound,
    NotUnique,
    OutOfRange,
    Required,
    UnknownJurisdiction,
    UnknownReference,
)
from huanxin.core.models import Jurisdiction, Organization
from huanxin.recycling.dispatch.travel import haversine_m
from huanxin.recycling.errors import (
    NoPriceList,
    OutsideServiceArea,
    SiteHasVehicles,
    VehicleHomeNotTransfer,
)
from huanxin.recycling.models import PriceItem, PriceList, ServiceArea, Site, Vehicle
from huanxin.recycling.vocab import CONDITIONS, TIERS, category


@dataclass(frozen=True)
class NewSite:
    org_id: int
    jurisdiction_code: str
    tier: str
    name: str
    lat: float
    lon: float
    opens_s: int
    closes_s: int
    capacity_kg_day: int
    licence_no: str = ""
    address: str = ""


def _check_point(lat: float, lon: float) -> None:
    if not -90 <= lat <= 90:
        raise OutOfRange("纬度应在-90到90之间", field="lat")
    if not -180 <= lon <= 180:
        raise OutOfRange("经度应在-180到180之间", field="lon")


@dataclass(frozen=True)
class NewVehicle:
    home_site_id: int
    plate: str
    capacity_kg: int
    capacity_m3: float
    shift_start_s: int
    shift_end_s: int


def _check_site(session: Session, new: NewSite, site_id: int | None) -> None:
    """Every rule of a site; ``site_id`` is the site being edited (its own name is allowed)."""
    if new.tier not in TIERS:
        raise NotAChoice("站点层级不正确", field="tier")
    if session.get(Jurisdiction, new.jurisdiction_code) is None:
        raise UnknownJurisdiction("区划代码不存在", field="jurisdiction_code")
    org = session.get(Organization, new.org_id)
    if org is None or org.kind != "recycler":
        raise UnknownReference("所属回收企业不存在", field="org_id")
    if not new.name.strip():
        raise Required("站点名称不能为空", field="name")
    _check_point(new.lat, new.lon)
    if not 0 <= new.opens_s < new.closes_s <= 24 * 3600:
        raise OutOfRange("营业结束时间须晚于开始时间", field="closes")
    if new.capacity_kg_day <= 0:
        raise OutOfRange("日处理能力必须大于0", field="capacity_kg_day")
    if new.tier == "dismantler" and not new.licence_no.strip():
        raise Required("报废机动车回收拆解企业须填写资质认定证书编号", field="licence_no")
    clash = select(Site.id).where(Site.name == new.name.strip(), Site.id != (site_id or 0))
    if session.scalar(clash):
        raise NotUnique("站点名称已存在", field="name")


def _site_fields(new: NewSite) -> dict[str, object]:
    return {
        **new.__dict__,
        "name": new.name.strip(),
        "licence_no": new.licence_no.strip(),
        "address": new.address.strip(),
    }


def create_site(session: Session, actor: AuditActor, new: NewSite) -> Site:
    _check_site(session, new, None)
    site = Site(**_site_fields(new))
    session.add(site)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.site_created",
        object_type="recycling_site",
        object_id=site.id,
        after={"tier": site.tier, "name": site.name},
        jurisdiction_code=site.jurisdiction_code,
    )
    return site


def update_site(session: Session, actor: Actor, site_id: int, new: NewSite) -> Site:
    """Edit a site in the caller's scope; a transfer station with vehicles keeps its tier."""
    site = get_site(session, actor, site_id)
    within(actor, new.jurisdiction_code, "区划不在您的管辖范围内", field="jurisdiction_code")
    _check_site(session, new, site.id)
    based = select(Vehicle.id).where(Vehicle.home_site_id == site.id)
    if site.tier == "transfer" and new.tier != "transfer" and session.scalar(based):
        raise SiteHasVehicles("该中转站仍有车辆驻场，不能改为其他层级", field="tier")
    _apply(
        session,
        actor,
        site,
        _site_fields(new),
        "recycling.site_updated",
        "recycling_site",
        new.jurisdiction_code,
    )
    return site


def _apply(
    session: Session,
    actor: AuditActor,
    row: Site | Vehicle,
    fields: dict[str, object],
    action: str,
    object_type: str,
    jurisdiction_code: str,
) -> None:
    """Set ``fields`` on ``row`` and audit what changed (old and new values of those alone)."""
    before = {k: getattr(row, k) for k in fields}
    for key, value in fields.items():
        setattr(row, key, value)
    session.flush()
    changed = [k for k in fields if before[k] != fields[k]]
    audit.record(
        session,
        actor,
        action,
        object_type=object_type,
        object_id=row.id,
        before={k: before[k] for k in changed},
        after={k: fields[k] for k in changed},
        jurisdiction_code=jurisdiction_code,
    )


def _check_vehicle(session: Session, new: NewVehicle, vehicle_id: int | None) -> Site:
    home = session.get(Site, new.home_site_id)
    if home is None or home.tier != "transfer":
        raise VehicleHomeNotTransfer("车辆的所属站点必须是中转站", field="home_site_id")
    if not new.plate.strip():
        raise Required("车牌号不能为空", field="plate")
    if new.capacity_kg <= 0:
        raise OutOfRange("车辆载重必须大于0", field="capacity_kg")
    if new.capacity_m3 <= 0:
        raise OutOfRange("车辆容积必须大于0", field="capacity_m3")
    if not 0 <= new.shift_start_s < new.shift_end_s <= 24 * 3600:
        raise OutOfRange("班次结束时间须晚于开始时间", field="shift_end")
    clash = select(Vehicle.id).where(
        Vehicle.plate == new.plate.strip(), Vehicle.id != (vehicle_id or 0)
    )
    if session.scalar(clash):
        raise NotUnique("车牌号已登记", field="plate")
    return home


def create_vehicle(
    session: Session,
    actor: AuditActor,
    *,
    home_site_id: int,
    plate: str,
    capacity_kg: int,
    capacity_m3: float,
    shift_start_s: int,
    shift_end_s: int,
) -> Vehicle:
    new = NewVehicle(home_site_id, plate, capacity_kg, capacity_m3, shift_start_s, shift_end_s)
    home = _check_vehicle(session, new, None)
    vehicle = Vehicle(
        org_id=home.org_id,
        home_site_id=home.id,
        plate=plate.strip(),
        capacity_kg=capacity_kg,
        capacity_m3=capacity_m3,
        shift_start_s=shift_start_s,
        shift_end_s=shift_end_s,
    )
    session.add(vehicle)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.vehicle_created",
        object_type="recycling_vehicle",
        object_id=vehicle.id,
        after={"plate": vehicle.plate, "home": home.id},
        jurisdiction_code=home.jurisdiction_code,
    )
    return vehicle


def get_vehicle(session: Session, actor: Actor, vehicle_id: int) -> Vehicle:
    vehicle = session.get(Vehicle, vehicle_id)
    home = session.get(Site, vehicle.home_site_id) if vehicle else None
    return visible(actor, vehicle, home.jurisdiction_code if home else None, "车辆不存在")


def update_vehicle(
    session: Session, actor: Actor, vehicle_id: int, new: NewVehicle, *, active: bool = True
) -> Vehicle:
    """Edit a vehicle (home station in the caller's scope); ``active=False`` takes it out of
    dispatch from the next plan on."""
    vehicle = get_vehicle(session, actor, vehicle_id)
    get_site(session, actor, new.home_site_id)
    home = _check_vehicle(session, new, vehicle.id)
    fields: dict[str, object] = {
        **new.__dict__,
        "plate": new.plate.strip(),
        "org_id": home.org_id,
        "active": active,
    }
    _apply(
        session,
        actor,
        vehicle,
        fields,
        "recycling.vehicle_updated",
        "recycling_vehicle",
        home.jurisdiction_code,
    )
    return vehicle


def set_service_area(
    session: Session,
    actor: AuditActor,
    *,
    jurisdiction_code: str,
    center_lat: float,
    center_lon: float,
    radius_m: int,
    source: str = "",
) -> ServiceArea:
    jurisdictions.get(session, jurisdiction_code)
    _check_point(center_lat, center_lon)
    if radius_m <= 0:
        raise OutOfRange("服务半径必须大于0", field="radius_m")
    area = session.get(ServiceArea, jurisdiction_code) or ServiceArea(
        jurisdiction_code=jurisdiction_code
    )
    area.center_lat, area.center_lon, area.radius_m, area.source = (
        center_lat,
        center_lon,
        radius_m,
        source,
    )
    session.add(area)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.area_set",
        object_type="recycling_area",
        object_id=jurisdiction_code,
        after={"radius_m": radius_m},
        jurisdiction_code=jurisdiction_code,
    )
    return area


def area_for(session: Session, code: str) -> ServiceArea | None:
    """The service area of ``code`` or of its nearest ancestor."""
    for place in reversed(jurisdictions.ancestors(session, code)):
        area = session.get(ServiceArea, place.code)
        if area is not None:
            return area
    return None


def check_in_area(session: Session, code: str, lat: float, lon: float) -> None:
    _check_point(lat, lon)
    area = area_for(session, code)
    if area is None:
        raise OutsideServiceArea("该区划尚未开通上门回收服务", field="jurisdiction_code")
    metres = float(haversine_m([(area.center_lat, area.center_lon), (lat, lon)])[0, 1])
    if metres > area.radius_m:
        name = jurisdictions.full_name(session, code)
        raise OutsideServiceArea(
            f"地址坐标不在{name}的服务范围内（距中心{metres / 1000:.1f}公里，"
            f"上限{area.radius_m / 1000:.0f}公里）",
            field="lat",
        )


def create_price_list(
    session: Session,
    actor: AuditActor,
    *,
    jurisdiction_code: str,
    effective_from: date,
    prices: list[tuple[str, str, int]],
    note: str = "",
    earliest: date | None = None,
) -> PriceList:
    """A new version; ``prices`` are (category, condition, fen per unit or per kg).

    ``earliest`` (the API and pages pass today) refuses a version that would take effect in
    the past and so change the prices of pickups already made."""
    if session.get(Jurisdiction, jurisdiction_code) is None:
        raise UnknownJurisdiction("区划代码不存在", field="jurisdiction_code")
    if earliest is not None and effective_from < earliest:
        raise OutOfRange("生效日期不能早于今天，已发生的回收按原价目表结算", field="effective_from")
    if not prices:
        raise Required("价目表至少需要一项价格", field="prices")
    clash = select(PriceList.id).where(
        PriceList.jurisdiction_code == jurisdiction_code, PriceList.effective_from == effective_from
    )
    if session.scalar(clash):
        raise NotUnique("该区划同一生效日期已有价目表", field="effective_from")
    seen: set[tuple[str, str]] = set()
    for i, (code, condition, fen) in enumerate(prices):
        cat = category(code, field=f"prices[{i}].category")
        wanted = {"any"} if cat.kind == "material" else set(CONDITIONS) - {"any"}
        if condition not in wanted:
            raise NotAChoice("成色取值不正确（材料用any）", field=f"prices[{i}].condition")
        if fen < 0 or (code, condition) in seen:
            raise NotUnique("价格须为非负且不重复", field=f"prices[{i}].price_fen")
        seen.add((code, condition))
    row = PriceList(
        jurisdiction_code=jurisdiction_code,
        effective_from=effective_from,
        note=note,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    session.add_all(
        PriceItem(price_list_id=row.id, category=c, condition=k, price_fen=f) for c, k, f in prices
    )
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.price_list_created",
        object_type="recycling_price_list",
        object_id=row.id,
        after={"effective_from": effective_from, "items": len(prices)},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def price_list_in_force(session: Session, code: str, day: date) -> PriceList:
    """The latest version effective on ``day`` for ``code`` or its nearest ancestor."""
    for place in reversed(jurisdictions.ancestors(session, code)):
        row = session.scalars(
            select(PriceList)
            .where(PriceList.jurisdiction_code == place.code, PriceList.effective_from <= day)
            .order_by(PriceList.effective_from.desc())
        ).first()
        if row is not None:
            return row
    raise NoPriceList(f"{day.isoformat()}没有生效的回收价目表", field="service_date")


def prices_of(session: Session, price_list_id: int) -> dict[tuple[str, str], int]:
    rows = session.scalars(select(PriceItem).where(PriceItem.price_list_id == price_list_id))
    return {(r.category, r.condition): r.price_fen for r in rows}


def readable_sites(actor: Actor) -> Select[Site]:
    """The sites the caller sees: its scope's (a recycler: its own)."""
    stmt = select(Site).where(Site.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "recycler" and actor.org_id is not None:
        stmt = stmt.where(Site.org_id == actor.org_id)
    return stmt


def sites_for(session: Session, actor: Actor, *, tier: str | None = None) -> list[Site]:
    stmt = readable_sites(actor)
    if tier:
        stmt = stmt.where(Site.tier == tier)
    return list(session.scalars(stmt.order_by(Site.id)))


def get_site(session: Session, actor: Actor, site_id: int) -> Site:
    site = session.get(Site, site_id)
    return visible(actor, site, site.jurisdiction_code if site else None, "站点不存在")


def vehicles_in(
    session: Session, codes: frozenset[str], org_id: int | None = None
) -> list[Vehicle]:
    stmt = (
        select(Vehicle)
        .join(Site, Site.id == Vehicle.home_site_id)
        .where(Site.jurisdiction_code.in_(codes), Vehicle.active.is_(True))
    )
    if org_id is not None:
        stmt = stmt.where(Vehicle.org_id == org_id)
    return list(session.scalars(stmt.order_by(Vehicle.id)))


def all_vehicles_for(session: Session, actor: Actor) -> list[Vehicle]:
    """Every vehicle of the caller's scope, out-of-service ones included (network page)."""
    stmt = (
        select(Vehicle)
        .join(Site, Site.id == Vehicle.home_site_id)
        .where(Site.jurisdiction_code.in_(actor.scope_codes))
    )
    if actor.role == "recycler" and actor.org_id is not None:
        stmt = stmt.where(Vehicle.org_id == actor.org_id)
    return list(session.scalars(stmt.order_by(Vehicle.id)))


def price_lists_for(session: Session, actor: Actor) -> list[PriceList]:
    """Every price-list version of the caller's scope and its ancestors, newest first."""
    codes = set(actor.scope_codes)
    codes |= {j.code for j in jurisdictions.ancestors(session, actor.jurisdiction_code)}
    stmt = select(PriceList).where(PriceList.jurisdiction_code.in_(codes))
    return list(session.scalars(stmt.order_by(PriceList.effective_from.desc(), PriceList.id)))


def get_price_list(session: Session, actor: Actor, price_list_id: int) -> PriceList:
    row = session.get(PriceList, price_list_id)
    if row is not None and row.id in {p.id for p in price_lists_for(session, actor)}:
        return row
    raise NotFound("价目表不存在")
