"""Dispatch backed by the database: build the problem from bookings and vehicles, plan the
day with ``dispatch.plan_day``, store routes, ordered stops and ETAs, insert a booking
that arrives during the day with ``dispatch.insert_booking`` (started stops frozen), and
list every unserved booking with its reason.

A plan belongs to one jurisdiction and day and covers the transfer stations, vehicles and
open bookings of that jurisdiction's subtree. Travel times come from
``dispatch.osrm.configured_travel()``: haversine unless ``HUANXIN_OSRM_URL`` names a server.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor, visible, within
from huanxin.core.clock import utcnow
from huanxin.core.errors import NotFound, PermissionDenied
from huanxin.recycling.dispatch.errors import TravelMatrixError, TravelServiceUnavailable
from huanxin.recycling.dispatch.live import insert_booking
from huanxin.recycling.dispatch.model import (
    Booking as DBooking,
)
from huanxin.recycling.dispatch.model import (
    DispatchPlan,
    DispatchProblem,
    Station,
    Stop,
    Unserved,
    UnservedCode,
    VehicleRoute,
)
from huanxin.recycling.dispatch.model import (
    Vehicle as DVehicle,
)
from huanxin.recycling.dispatch.osrm import configured_travel
from huanxin.recycling.dispatch.solver import plan_day
from huanxin.recycling.errors import NoVehiclesInArea
from huanxin.recycling.models import (
    Booking,
    BookingItem,
    Plan,
    PlanRoute,
    PlanStop,
    PlanUnserved,
    Site,
    Vehicle,
)
from huanxin.recycling.service import network
from huanxin.recycling.service.bookings import OPEN_STATES, local_now
from huanxin.recycling.states import BOOKINGS, BookingState
from huanxin.recycling.vocab import category


def ensure_dispatcher(actor: Actor) -> None:
    if not (actor.can("recycling:operate") or actor.can("recycling:manage")):
        raise PermissionDenied("只有回收企业或专班办公室可以调度")


def to_dispatch_booking(booking: Booking, items: list[BookingItem]) -> DBooking:
    service = sum(category(i.category).service_s for i in items)
    volume = 0.0
    for i in items:
        cat = category(i.category)
        volume += cat.m3_per_unit * (i.count if cat.kind == "appliance" else i.est_weight_g / 1000)
    return DBooking(
        str(booking.id),
        booking.lat,
        booking.lon,
        booking.window_start_s,
        booking.window_end_s,
        max(service, 60),
        sum(i.est_weight_g for i in items) / 1000,
        round(volume, 4),
    )


def _fleet(session: Session, codes: frozenset[str]) -> tuple[list[Station], list[DVehicle]]:
    vehicles = network.vehicles_in(session, codes)
    homes = {v.home_site_id for v in vehicles}
    sites = session.scalars(select(Site).where(Site.id.in_(homes)).order_by(Site.id)).all()
    stations = [Station(str(s.id), s.lat, s.lon) for s in sites]
    fleet = [
        DVehicle(
            str(v.id),
            str(v.home_site_id),
            float(v.capacity_kg),
            v.capacity_m3,
            v.shift_start_s,
            v.shift_end_s,
        )
        for v in vehicles
    ]
    return stations, fleet


def _open_bookings(session: Session, codes: frozenset[str], day: date) -> list[Booking]:
    stmt = select(Booking).where(
        Booking.jurisdiction_code.in_(codes),
        Booking.service_date == day,
        Booking.status.in_(OPEN_STATES),
    )
    return list(session.scalars(stmt.order_by(Booking.id)))


def _dispatch_bookings(session: Session, rows: list[Booking]) -> list[DBooking]:
    items: dict[int, list[BookingItem]] = defaultdict(list)
    ids = [b.id for b in rows]
    for item in session.scalars(select(BookingItem).where(BookingItem.booking_id.in_(ids))):
        items[item.booking_id].append(item)
    return [to_dispatch_booking(b, items[b.id]) for b in rows]


def build_problem(session: Session, code: str, day: date) -> DispatchProblem:
    codes = jurisdictions.subtree_codes(session, code)
    stations, fleet = _fleet(session, codes)
    bookings = _dispatch_bookings(session, _open_bookings(session, codes, day))
    return DispatchProblem(tuple(stations), tuple(fleet), tuple(bookings))


def plan_for_day(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    day: date,
    seconds: float = 3.0,
    iterations: int | None = None,
) -> Plan:
    """(Re)plan the whole day and store it; every open booking ends planned or unserved."""
    ensure_dispatcher(actor)
    within(actor, jurisdiction_code, "区划不在您的管辖范围内", field="jurisdiction_code")
    problem = build_problem(session, jurisdiction_code, day)
    if not problem.vehicles:
        raise NoVehiclesInArea("该区划没有可调度的回收车辆", field="jurisdiction_code")
    result = plan_day(problem, seconds=seconds, iterations=iterations, travel=configured_travel())
    plan = session.scalars(
        select(Plan).where(Plan.jurisdiction_code == jurisdiction_code, Plan.service_date == day)
    ).first()
    if plan is None:
        plan = Plan(
            jurisdiction_code=jurisdiction_code,
            service_date=day,
            revision=0,
            distance_m=0,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(plan)
        session.flush()
    save_plan(session, plan, result)
    audit.record(
        session,
        actor,
        "recycling.plan_made",
        object_type="recycling_plan",
        object_id=plan.id,
        after=_summary(result),
        jurisdiction_code=jurisdiction_code,
    )
    return plan


def _summary(result: DispatchPlan) -> dict[str, object]:
    return {
        "routes": len(result.routes),
        "served": len(result.served_ids()),
        "unserved": len(result.unserved),
        "distance_m": result.distance_m,
        "feasible": result.feasible,
    }


def _clear(session: Session, plan_id: int) -> None:
    routes = select(PlanRoute.id).where(PlanRoute.plan_id == plan_id)
    session.execute(delete(PlanStop).where(PlanStop.route_id.in_(routes)))
    session.execute(delete(PlanRoute).where(PlanRoute.plan_id == plan_id))
    session.execute(delete(PlanUnserved).where(PlanUnserved.plan_id == plan_id))


def save_plan(session: Session, plan: Plan, result: DispatchPlan) -> None:
    """Replace the stored routes, stops and unserved list; update booking statuses."""
    _clear(session, plan.id)
    for route in result.routes:
        row = PlanRoute(
            plan_id=plan.id,
            vehicle_id=int(route.vehicle_id),
            start_s=route.start_s,
            end_s=route.end_s,
            distance_m=route.distance_m,
        )
        session.add(row)
        session.flush()
        session.add_all(_stop_row(row.id, seq, stop) for seq, stop in enumerate(route.stops, 1))
    session.add_all(
        PlanUnserved(
            plan_id=plan.id, booking_id=int(u.booking_id), code=u.code.value, reason=u.reason
        )
        for u in result.unserved
    )
    plan.revision += 1
    plan.distance_m, plan.feasible, plan.updated_at = result.distance_m, result.feasible, utcnow()
    served = {int(ref) for ref in result.served_ids()}
    unserved = {int(u.booking_id) for u in result.unserved}
    for booking in session.scalars(select(Booking).where(Booking.id.in_(served | unserved))):
        if booking.status in OPEN_STATES:
            to = BookingState.PLANNED if booking.id in served else BookingState.UNSERVED
            booking.status = BOOKINGS.check(booking.status, to, field="status")
    session.flush()


def _stop_row(route_id: int, seq: int, stop: Stop) -> PlanStop:
    pickup = stop.kind == "pickup"
    return PlanStop(
        route_id=route_id,
        seq=seq,
        kind=stop.kind,
        booking_id=int(stop.ref) if pickup else None,
        site_id=None if pickup else int(stop.ref),
        lat=stop.lat,
        lon=stop.lon,
        arrival_s=stop.arrival_s,
        start_s=stop.start_s,
        end_s=stop.end_s,
        load_kg=stop.load_kg,
        load_m3=stop.load_m3,
    )


def load_plan(session: Session, plan: Plan) -> DispatchPlan:
    routes = []
    for row in session.scalars(
        select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(PlanRoute.id)
    ):
        stops = session.scalars(
            select(PlanStop).where(PlanStop.route_id == row.id).order_by(PlanStop.seq)
        ).all()
        home = session.get(Vehicle, row.vehicle_id)
        assert home is not None
        routes.append(
            VehicleRoute(
                str(row.vehicle_id),
                str(home.home_site_id),
                row.start_s,
                row.end_s,
                row.distance_m,
                tuple(_stop(s) for s in stops),
            )
        )
    unserved = tuple(
        Unserved(str(u.booking_id), UnservedCode(u.code), u.reason)
        for u in session.scalars(
            select(PlanUnserved).where(PlanUnserved.plan_id == plan.id).order_by(PlanUnserved.id)
        )
    )
    return DispatchPlan(tuple(routes), unserved, plan.feasible)


def _stop(row: PlanStop) -> Stop:
    ref = str(row.booking_id if row.kind == "pickup" else row.site_id)
    return Stop(
        "pickup" if row.kind == "pickup" else "unload",
        ref,
        row.lat,
        row.lon,
        row.arrival_s,
        row.start_s,
        row.end_s,
        row.load_kg,
        row.load_m3,
    )


def live_plan_for(session: Session, booking: Booking) -> Plan | None:
    codes = [j.code for j in jurisdictions.ancestors(session, booking.jurisdiction_code)]
    stmt = select(Plan).where(
        Plan.jurisdiction_code.in_(codes), Plan.service_date == booking.service_date
    )
    return session.scalars(stmt.order_by(Plan.id.desc())).first()


def insert_if_live(
    session: Session,
    actor: Actor,
    booking: Booking,
    *,
    now: datetime | None = None,
    seconds: float = 0.25,
) -> bool | None:
    """Insert ``booking`` into its day's stored plan; None when the day has no plan yet, or
    when the configured road-network service fails: the booking then stays 已预约 (counted
    as waiting on the dispatch page, taken by the next plan) and the failure is audited."""
    plan = live_plan_for(session, booking)
    if plan is None:
        return None
    current = load_plan(session, plan)
    known = current.served_ids() | {u.booking_id for u in current.unserved}
    codes = jurisdictions.subtree_codes(session, plan.jurisdiction_code)
    stations, fleet = _fleet(session, codes)
    ids = sorted(int(ref) for ref in known)
    rows = list(session.scalars(select(Booking).where(Booking.id.in_(ids)).order_by(Booking.id)))
    problem = DispatchProblem(
        tuple(stations), tuple(fleet), tuple(_dispatch_bookings(session, rows))
    )
    today, now_s = local_now(now)
    clock = 0 if plan.service_date > today else now_s
    new = _dispatch_bookings(session, [booking])[0]
    try:
        outcome = insert_booking(
            problem, current, new, now_s=clock, seconds=seconds, travel=configured_travel()
        )
    except (TravelServiceUnavailable, TravelMatrixError) as exc:
        audit.record(
            session,
            actor,
            "recycling.plan_insert_deferred",
            object_type="recycling_plan",
            object_id=plan.id,
            detail={"booking_id": booking.id, "reason": exc.message},
            jurisdiction_code=plan.jurisdiction_code,
        )
        return None
    save_plan(session, plan, outcome.plan)
    audit.record(
        session,
        actor,
        "recycling.plan_inserted",
        object_type="recycling_plan",
        object_id=plan.id,
        detail={
            "booking_id": booking.id,
            "served": outcome.served,
            "reason": outcome.unserved.reason if outcome.unserved else None,
        },
        jurisdiction_code=plan.jurisdiction_code,
    )
    return outcome.served


def get_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    return visible(actor, plan, plan.jurisdiction_code if plan else None, "调度方案不存在")


def find_plan(session: Session, actor: Actor, *, jurisdiction_code: str, day: date) -> Plan:
    plan = session.scalars(
        select(Plan).where(Plan.jurisdiction_code == jurisdiction_code, Plan.service_date == day)
    ).first()
    if plan is None:
        raise NotFound("当天还没有调度方案")
    return visible(actor, plan, plan.jurisdiction_code, "调度方案不存在")


@dataclass(frozen=True)
class StopView:
    seq: int
    kind: str
    booking_id: int | None
    site_id: int | None
    lat: float
    lon: float
    arrival_s: int
    start_s: int
    end_s: int
    load_kg: float


@dataclass(frozen=True)
class RouteView:
    vehicle_id: int
    plate: str
    start_s: int
    end_s: int
    distance_m: int
    stops: list[StopView]


@dataclass(frozen=True)
class UnservedView:
    booking_id: int
    code: str
    reason: str


@dataclass(frozen=True)
class PlanView:
    """A day's dispatch plan: each vehicle's route with its stops, and who is not served."""

    id: int
    jurisdiction_code: str
    service_date: str
    revision: int
    feasible: bool
    distance_m: int
    routes: list[RouteView]
    unserved: list[UnservedView]


def plan_view(session: Session, plan: Plan) -> PlanView:
    routes = session.scalars(
        select(PlanRoute).where(PlanRoute.plan_id == plan.id).order_by(PlanRoute.id)
    ).all()
    unserved = session.scalars(
        select(PlanUnserved).where(PlanUnserved.plan_id == plan.id).order_by(PlanUnserved.id)
    ).all()
    plates = {
        v.id: v.plate
        for v in session.scalars(
            select(Vehicle).where(Vehicle.id.in_([r.vehicle_id for r in routes]))
        )
    }
    return PlanView(
        id=plan.id,
        jurisdiction_code=plan.jurisdiction_code,
        service_date=plan.service_date.isoformat(),
        revision=plan.revision,
        feasible=plan.feasible,
        distance_m=plan.distance_m,
        routes=[
            RouteView(
                vehicle_id=r.vehicle_id,
                plate=plates[r.vehicle_id],
                start_s=r.start_s,
                end_s=r.end_s,
                distance_m=r.distance_m,
                stops=[_stop_view(s) for s in _stops(session, r.id)],
            )
            for r in routes
        ],
        unserved=[UnservedView(u.booking_id, u.code, u.reason) for u in unserved],
    )


def _stops(session: Session, route_id: int) -> list[PlanStop]:
    stmt = select(PlanStop).where(PlanStop.route_id == route_id).order_by(PlanStop.seq)
    return list(session.scalars(stmt))


def _stop_view(s: PlanStop) -> StopView:
    return StopView(
        seq=s.seq,
        kind=s.kind,
        booking_id=s.booking_id,
        site_id=s.site_id,
        lat=s.lat,
        lon=s.lon,
        arrival_s=s.arrival_s,
        start_s=s.start_s,
        end_s=s.end_s,
        load_kg=round(s.load_kg, 3),
    )
