"""Flow onward: weighings at transfer stations, sorting centres and dismantlers; the
monthly mass balance per site; the electronic recycling declaration per recycler and
month; indicators by month against the 2023 baseline.

Definitions. *Collected* at a site in a month = weight of pickups delivered there plus
inbound weighings; *delivered* = outbound weighings; loss % = (collected − delivered) /
collected (stock left on site counts as loss until it leaves). *Recovered* appliances =
appliance lines of completed pickups plus inbound appliance weighings that come from
outside the network (no counterpart site); recovered end-of-life vehicles = inbound ELV
weighings at dismantlers. The monthly baseline is the 2023 annual figure ÷ 12.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huanxin.core import audit, identifiers
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import (
    InvalidInput,
    NotAChoice,
    NotUnique,
    OutOfRange,
    PermissionDenied,
    Required,
    UnknownReference,
    UnrelatedReference,
)
from huanxin.recycling.errors import AlreadyDeclared, DropOffPointNoWeighing, ElvNeedsDismantler
from huanxin.recycling.models import (
    Declaration,
    IndicatorBaseline,
    Pickup,
    PickupLine,
    ReverseInvoice,
    Site,
    Weighing,
)
from huanxin.recycling.service import network
from huanxin.recycling.vocab import CATEGORIES, WEIGHING_KINDS

APPLIANCES = [c.code for c in CATEGORIES.values() if c.kind == "appliance"]


@dataclass(frozen=True)
class WeighingIn:
    site_id: int
    direction: str
    on_date: date
    kind: str
    category: str
    units: int
    weight_g: int
    counterpart_site_id: int | None = None
    vehicle_plate: str = ""
    vin: str | None = None
    elv_cert_no: str | None = None


def _check_elv(session: Session, new: WeighingIn, site: Site) -> tuple[str | None, str | None]:
    if new.kind != "elv":
        return None, None
    if site.tier != "dismantler":
        raise ElvNeedsDismantler("报废机动车只能在报废机动车回收拆解企业过磅", field="site_id")
    if new.direction == "out":
        return None, None
    vin = identifiers.vin(new.vin or "", field="vin")
    cert = (new.elv_cert_no or "").strip()
    if not cert:
        raise Required("报废机动车入场须填写报废机动车回收证明编号", field="elv_cert_no")
    if session.scalar(select(Weighing.id).where(Weighing.elv_cert_no == cert)):
        raise NotUnique("该报废机动车回收证明编号已登记", field="elv_cert_no")
    return vin, cert


def record_weighing(session: Session, actor: Actor, new: WeighingIn) -> Weighing:
    if not actor.can("recycling:operate"):
        raise PermissionDenied("只有回收企业可以登记过磅")
    site = network.get_site(session, actor, new.site_id)
    if actor.org_id is not None and site.org_id != actor.org_id:
        raise UnrelatedReference("站点不属于本企业", field="site_id")
    if site.tier == "dropoff":
        raise DropOffPointNoWeighing(
            "交投点不登记过磅，请在中转站、分拣中心或拆解企业登记", field="site_id"
        )
    if new.direction not in ("in", "out"):
        raise NotAChoice("方向只能是入场或出场", field="direction")
    if new.kind not in WEIGHING_KINDS:
        raise NotAChoice("物料类别不正确", field="kind")
    if new.units < 0 or new.weight_g <= 0:
        raise OutOfRange("重量必须大于0，数量不能为负", field="weight_kg")
    if new.counterpart_site_id is not None and session.get(Site, new.counterpart_site_id) is None:
        raise UnknownReference("对方站点不存在", field="counterpart_site_id")
    vin, cert = _check_elv(session, new, site)
    row = Weighing(
        site_id=site.id,
        direction=new.direction,
        on_date=new.on_date,
        kind=new.kind,
        category=new.category.strip()[:32],
        units=new.units,
        weight_g=new.weight_g,
        counterpart_site_id=new.counterpart_site_id,
        vehicle_plate=new.vehicle_plate.strip()[:16],
        vin=vin,
        elv_cert_no=cert,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.weighing_recorded",
        object_type="recycling_weighing",
        object_id=row.id,
        after={
            "site": site.id,
            "direction": row.direction,
            "weight_g": row.weight_g,
            "kind": row.kind,
        },
        jurisdiction_code=site.jurisdiction_code,
    )
    return row


def readable_weighings(session: Session, actor: Actor) -> Select[Weighing]:
    """The weighings at the sites the caller sees (a recycler: its own sites)."""
    sites = [s.id for s in network.sites_for(session, actor)]
    return select(Weighing).where(Weighing.site_id.in_(sites))


def month_range(month: str) -> tuple[date, date]:
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = date(year, mon, 1)
    except ValueError:
        raise InvalidInput("月份格式应为YYYY-MM", field="month") from None
    end = date(year + mon // 12, mon % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _sum(session: Session, stmt: object) -> int:
    return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]


@dataclass(frozen=True)
class SiteBalance:
    """One site's month: grams collected (pickups and weighed in), delivered, loss %."""

    site_id: int
    site: str
    tier: str
    month: str
    collected_g: int
    delivered_g: int
    loss_pct: float | None


@dataclass(frozen=True)
class MonthFigures:
    """One month of an indicator: units, tonnes, the 2023 monthly baseline, change %."""

    month: str
    units: int
    tonnes: float
    baseline_units: float | None
    baseline_tonnes: float | None
    change_pct: float | None


def mass_balance(session: Session, actor: Actor, *, month: str) -> list[SiteBalance]:
    """One row per visible site: collected, delivered (grams) and loss %."""
    start, end = month_range(month)
    rows = []
    for site in network.sites_for(session, actor):
        picked = _sum(
            session,
            select(func.sum(Pickup.weight_g)).where(
                Pickup.site_id == site.id, Pickup.completed_on.between(start, end)
            ),
        )
        weigh = select(func.sum(Weighing.weight_g)).where(
            Weighing.site_id == site.id, Weighing.on_date.between(start, end)
        )
        inbound = _sum(session, weigh.where(Weighing.direction == "in"))
        delivered = _sum(session, weigh.where(Weighing.direction == "out"))
        collected = picked + inbound
        loss = round(100 * (collected - delivered) / collected, 2) if collected else None
        rows.append(SiteBalance(site.id, site.name, site.tier, month, collected, delivered, loss))
    return rows


def declaration_body(session: Session, org_id: int, month: str) -> dict[str, object]:
    start, end = month_range(month)
    in_month = (Pickup.org_id == org_id, Pickup.completed_on.between(start, end))
    lines = session.execute(
        select(
            PickupLine.category,
            func.sum(PickupLine.units),
            func.sum(PickupLine.weight_g),
            func.sum(PickupLine.price_fen),
        )
        .join(Pickup, Pickup.id == PickupLine.pickup_id)
        .where(*in_month)
        .group_by(PickupLine.category)
        .order_by(PickupLine.category)
    ).all()
    sites = select(Site.id).where(Site.org_id == org_id)
    out = session.execute(
        select(Weighing.kind, func.sum(Weighing.units), func.sum(Weighing.weight_g))
        .where(
            Weighing.site_id.in_(sites),
            Weighing.direction == "out",
            Weighing.on_date.between(start, end),
        )
        .group_by(Weighing.kind)
        .order_by(Weighing.kind)
    ).all()
    invoices = session.execute(
        select(func.count(), func.coalesce(func.sum(ReverseInvoice.amount_fen), 0)).where(
            ReverseInvoice.org_id == org_id, ReverseInvoice.issued_on.between(start, end)
        )
    ).one()
    return {
        "org_id": org_id,
        "month": month,
        "pickups": _sum(session, select(func.count()).select_from(Pickup).where(*in_month)),
        "collected": [
            {"category": c, "units": int(u), "weight_g": int(w), "paid_fen": int(p)}
            for c, u, w, p in lines
        ],
        "delivered": [{"kind": k, "units": int(u), "weight_g": int(w)} for k, u, w in out],
        "reverse_invoices": {"count": int(invoices[0]), "amount_fen": int(invoices[1])},
    }


def submit_declaration(session: Session, actor: Actor, *, month: str) -> Declaration:
    if not actor.can("recycling:operate") or actor.org_id is None:
        raise PermissionDenied("只有回收企业可以报送回收申报")
    month_range(month)
    if session.scalar(
        select(Declaration.id).where(Declaration.org_id == actor.org_id, Declaration.month == month)
    ):
        raise AlreadyDeclared(f"{month}的回收申报已报送，不能重复报送", field="month")
    body = declaration_body(session, actor.org_id, month)
    row = Declaration(
        org_id=actor.org_id,
        jurisdiction_code=actor.jurisdiction_code,
        month=month,
        body=json.dumps(body, ensure_ascii=False, sort_keys=True),
        submitted_by=actor.user_id,
        submitted_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.declared",
        object_type="recycling_declaration",
        object_id=row.id,
        after=body,
        jurisdiction_code=actor.jurisdiction_code,
    )
    return row


def declarations_for(session: Session, actor: Actor) -> list[Declaration]:
    stmt = select(Declaration).where(Declaration.jurisdiction_code.in_(actor.scope_codes))
    if actor.role == "recycler":
        stmt = stmt.where(Declaration.org_id == actor.org_id)
    return list(session.scalars(stmt.order_by(Declaration.month.desc(), Declaration.id)))


def set_baseline(
    session: Session,
    actor: Actor | audit.AuditActor,
    *,
    jurisdiction_code: str,
    kind: str,
    units: int,
    weight_kg: int,
    year: int = 2023,
    source: str = "",
) -> IndicatorBaseline:
    if kind not in ("appliances", "elv"):
        raise NotAChoice("指标类别只能是appliances或elv", field="kind")
    if units < 0 or weight_kg < 0:
        raise OutOfRange("基数不能为负", field="units")
    row = session.scalars(
        select(IndicatorBaseline).where(
            IndicatorBaseline.jurisdiction_code == jurisdiction_code,
            IndicatorBaseline.kind == kind,
            IndicatorBaseline.year == year,
        )
    ).first()
    if row is None:
        row = IndicatorBaseline(jurisdiction_code=jurisdiction_code, kind=kind, year=year)
        session.add(row)
    row.units, row.weight_kg, row.source = units, weight_kg, source
    session.flush()
    audit.record(
        session,
        actor,
        "recycling.baseline_set",
        object_type="recycling_baseline",
        object_id=row.id,
        after={"kind": kind, "year": year, "units": units, "weight_kg": weight_kg},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def _monthly(session: Session, codes: list[str], kind: str, year: int) -> dict[int, list[int]]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    totals: dict[int, list[int]] = {m: [0, 0] for m in range(1, 13)}
    rows: Iterable[tuple[date, int, int]]
    if kind == "appliances":
        rows = session.execute(
            select(Pickup.completed_on, PickupLine.units, PickupLine.weight_g)
            .join(Pickup, Pickup.id == PickupLine.pickup_id)
            .where(
                Pickup.jurisdiction_code.in_(codes),
                PickupLine.category.in_(APPLIANCES),
                Pickup.completed_on.between(start, end),
            )
        ).all()
        rows = [*rows, *_weighed(session, codes, "appliances", start, end, outside_only=True)]
    else:
        rows = _weighed(session, codes, "elv", start, end, outside_only=False)
    for day, units, weight in rows:
        totals[day.month][0] += int(units)
        totals[day.month][1] += int(weight)
    return totals


def _weighed(
    session: Session, codes: list[str], kind: str, start: date, end: date, *, outside_only: bool
) -> list[tuple[date, int, int]]:
    stmt = (
        select(Weighing.on_date, Weighing.units, Weighing.weight_g)
        .join(Site, Site.id == Weighing.site_id)
        .where(
            Site.jurisdiction_code.in_(codes),
            Weighing.kind == kind,
            Weighing.direction == "in",
            Weighing.on_date.between(start, end),
        )
    )
    if outside_only:
        stmt = stmt.where(Weighing.counterpart_site_id.is_(None))
    return list(session.execute(stmt).all())


def indicator_series(
    session: Session,
    *,
    jurisdiction_codes: Iterable[str],
    kind: Literal["appliances", "elv"],
    year: int,
) -> list[MonthFigures]:
    """Twelve months of ``MonthFigures``.

    Tonnes have three decimals; the baseline is the sum of the 2023 baselines of the given
    codes ÷ 12 (None when none is entered); change_pct compares tonnes with it.
    """
    codes = sorted(set(jurisdiction_codes))
    units_2023, kg_2023 = baseline_totals(session, jurisdiction_codes=codes, kind=kind, year=2023)
    base_units = None if units_2023 is None else round(units_2023 / 12, 1)
    base_tonnes = None if kg_2023 is None else round(kg_2023 / 12 / 1000, 3)
    series = []
    for month, (units, grams) in sorted(_monthly(session, codes, kind, year).items()):
        tonnes = round(grams / 1_000_000, 3)
        change = round(100 * (tonnes - base_tonnes) / base_tonnes, 1) if base_tonnes else None
        series.append(
            MonthFigures(f"{year}-{month:02d}", units, tonnes, base_units, base_tonnes, change)
        )
    return series


def baseline_totals(
    session: Session, *, jurisdiction_codes: Iterable[str], kind: str, year: int
) -> tuple[int | None, int | None]:
    """Recorded base-year units and kilograms summed over the codes (None: none recorded)."""
    units, kg = session.execute(
        select(func.sum(IndicatorBaseline.units), func.sum(IndicatorBaseline.weight_kg)).where(
            IndicatorBaseline.jurisdiction_code.in_(sorted(set(jurisdiction_codes))),
            IndicatorBaseline.kind == kind,
            IndicatorBaseline.year == year,
        )
    ).one()
    return (None if units is None else int(units)), (None if kg is None else int(kg))
