"""Pages of the recycling domain (Chinese, phone-usable): the consumer's booking page, the
public certificate check, the dispatch page and the driver's route. Completion, reports
and the network are in ``pages.pickups``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Line
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.recycling import booking_list
from huanxin.recycling.errors import NoRouteForVehicle
from huanxin.recycling.models import AddressEntry, Booking, Site, Vehicle
from huanxin.recycling.qr import qr_svg
from huanxin.recycling.service import (
    addresses,
    bookings,
    certificates,
    dispatching,
    receipts,
)
from huanxin.recycling.svg import Mark, route_svg
from huanxin.recycling.vocab import CATEGORIES, CONDITIONS, clock_text, grams, parse_clock
from huanxin.web.deps import DbSession, page_require, public, resolve_actor
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import PAGE_SIZE, ListQuery, Page, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Booker = Annotated[Actor, Depends(page_require("recycling:book"))]
ListQuery_ = Annotated[ListQuery, Depends(list_query)]
LIST_PATH = "/recycling/bookings"
RECENT = 10  # bookings the booking page shows under its form
SLOTS = [(h * 3600, (h + 2) * 3600) for h in range(8, 17, 2)]


BOOK_LABELS = {
    "address_id": "小区或门牌",
    "house_no": "门牌号",
    "service_date": "上门日期",
    "window_start": "时间段",
    "window_end": "时间段",
    "weight_kg": "预估重量",
    "count": "数量",
    "category": "品类",
    "condition": "成色",
    "items": "回收物品",
    "lat": "地址",
    "lon": "地址",
    "jurisdiction_code": "地址",
    "phone": "联系电话",
}


def _book_error(exc: kit.PageError) -> str:
    """The refusal naming the field by its label on the form: ``门牌号：请填写门牌号``."""
    name = (exc.field or "").rsplit(".", 1)[-1]
    return f"{BOOK_LABELS[name]}：{exc.reason}" if name in BOOK_LABELS else exc.message


def _day(text: str, field: str) -> date:
    found: date = kit.value(kit.Day, text, field)
    return found


def _booking_views(session: DbSession, rows: list[Booking]) -> list[dict[str, Any]]:
    return [asdict(bookings.booking_view(session, b)) for b in rows]


def _booking_page(
    session: DbSession, actor: Actor, query: ListQuery, status: str | None, size: int = PAGE_SIZE
) -> tuple[Page, dict[int, Any]]:
    """A page of the resident's bookings (open ones first) and their weighing records."""
    chosen = {"status": booking_list.OPENING if status is None else status}
    view = partial(_booking_views, session)
    stmt, spec = bookings.readable(actor), booking_list.SPEC
    page = page_of(session, spec, stmt, query, path=LIST_PATH, filters=chosen, view=view, size=size)
    return page, receipts.records_for(session, [int(str(r["id"])) for r in page.rows])


def _book_context(session: DbSession, actor: Actor, q: str = "", **extra: Any) -> dict[str, Any]:
    # the newest few, any state; the whole list pages at /recycling/bookings
    page, records = _booking_page(session, actor, ListQuery(), "", size=RECENT)
    rows = page.rows
    form = {"service_date": (today_cn() + timedelta(days=1)).isoformat(), "slot": "09:00-11:00"}
    return {
        "rows": rows,
        "categories": CATEGORIES,
        "conditions": CONDITIONS,
        "error": None,
        "form": form,
        "slots": [f"{clock_text(a)}-{clock_text(b)}" for a, b in SLOTS],
        "created": None,
        "records": records,
        "page": page,
        "q": q,
        "addresses": addresses.search(session, actor, q),
        **extra,
    }


@router.get(LIST_PATH)
def bookings_page(
    request: Request,
    session: DbSession,
    actor: Booker,
    query: ListQuery_,
    status: Code | None = None,
) -> HTMLResponse:
    """Every booking of the resident, a page at a time, with search, filter and export."""
    page, records = _booking_page(session, actor, query, status)
    return render(request, "recycling/bookings.html", page=page, rows=page.rows, records=records)


@router.get(LIST_PATH + ".xlsx")
def bookings_export(
    session: DbSession, actor: Booker, query: ListQuery_, status: Code | None = None
) -> Response:
    """The bookings the list shows under the same filter and search, every page, as .xlsx."""
    chosen = {"status": booking_list.OPENING if status is None else status}
    view = partial(_booking_views, session)
    stmt, spec = bookings.readable(actor), booking_list.SPEC
    return export(session, spec, stmt, query, filters=chosen, on=today_cn(), view=view)


@router.get("/recycling/book")
def book_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:book"))],
    q: Line = "",
) -> HTMLResponse:
    return render(request, "recycling/book.html", **_book_context(session, actor, q))


def _items(form: dict[str, str]) -> list[bookings.ItemIn]:
    items: list[bookings.ItemIn] = []
    for n in range(2):
        code = form.get(f"category{n}", "")
        if not code:
            continue
        cat = CATEGORIES.get(code)
        try:
            count = int(form.get(f"count{n}") or "1")
        except ValueError:
            raise InvalidInput("数量必须是整数", field=f"items[{len(items)}].count") from None
        weight = grams(form.get(f"weight{n}", ""), field=f"items[{len(items)}].weight_kg")
        condition = form.get(f"condition{n}") or "intact"
        items.append(
            bookings.ItemIn(
                code, count, weight, condition if cat and cat.kind == "appliance" else "any"
            )
        )
    return items


def _entry(session: DbSession, actor: Actor, form: dict[str, str]) -> AddressEntry:
    raw = form.get("address_id", "").strip()
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput("请从地址库中选择小区或门牌", field="address_id")
    return addresses.get_for(session, actor, int(raw))


def _phone(form: dict[str, str]) -> str:
    phone = form.get("phone", "").strip()
    if not phone:
        raise InvalidInput("请填写联系电话，方便回收员上门前联系您", field="phone")
    return phone


@router.post("/recycling/book")
def book_submit(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:book"))],
    posted: kit.Posted,
) -> Response:
    form = kit.text_of(posted)

    def change() -> str:
        start, _, end = form.get("slot", "").partition("-")
        entry = _entry(session, actor, form)
        house = form.get("house_no", "").strip()
        if not house:
            raise InvalidInput("请填写门牌号（楼号、单元、室号）", field="house_no")
        if len(house) > 64:
            raise InvalidInput("门牌号不能超过64个字", field="house_no")
        new = bookings.BookingIn(
            f"{entry.label}{house}",
            entry.lat,
            entry.lon,
            _day(form.get("service_date", ""), "service_date"),
            parse_clock(start, field="window_start"),
            parse_clock(end, field="window_end"),
            _items(form),
            _phone(form),
        )
        booking = bookings.create_booking(session, actor, new)
        return f"/recycling/book?created={booking.id}"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _book_context(session, actor, error=_book_error(error))
        context["form"] = form
        return render(request, "recycling/book.html", **context)

    return kit.submit(request, session, change, page)


@router.post("/recycling/bookings/{booking_id}/cancel")
def cancel_submit(
    booking_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:book"))],
) -> Response:
    bookings.cancel_booking(session, actor, booking_id)
    return RedirectResponse("/recycling/book", status_code=303)


def _viewer(request: Request) -> Actor | None:
    """Who is looking at a public page, if signed in (resolved before the unit of work)."""
    return resolve_actor(request)


@router.get("/recycling/bookings/{booking_id}/call")
def call_booking(
    booking_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:read"))],
) -> Response:
    """Tap-to-call: the full number is read (audited) only when the driver taps, and goes
    straight to the phone's dialler; it is never written into a page."""
    phone = bookings.reveal_phone(session, actor, booking_id)
    return RedirectResponse(f"tel:{phone}", status_code=303)


@router.get("/recycling/certificate", dependencies=[Depends(public)])
def certificate_page(
    request: Request,
    viewer: Annotated[Actor | None, Depends(_viewer)],
    session: DbSession,
    number: Line = "",
    code: Code = "",
) -> HTMLResponse:
    """Public check; a signed-in merchant also gets the redemption form with it filled in."""
    result, error, qr, redeem = None, None, "", ""
    if number or code:
        result, error = kit.outcome(
            lambda: asdict(certificates.verify(session, number=number, code=code))
        )
    if result is not None:
        result["jurisdiction_name"] = jurisdictions.full_name(
            session, str(result["jurisdiction_code"])
        )
        view = receipts.certificate_view(certificates.find(session, str(result["number"])))
        qr = qr_svg(
            str(request.base_url).rstrip("/") + view.check_path,
            title=f"回收证明{view.number}查验二维码",
        )
        if viewer is not None and viewer.can("claims:redeem") and not view.used:
            redeem = view.redeem_path
    return render(
        request,
        "recycling/certificate.html",
        result=result,
        error=error,
        qr=qr,
        redeem=redeem,
        form={"number": number, "code": code},
    )


@router.get("/recycling/dispatch")
def dispatch_page(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:read"))],
    jurisdiction_code: Code = "",
    service_date: Code = "",
) -> HTMLResponse:
    code = jurisdiction_code or actor.jurisdiction_code
    day = _day(service_date, "service_date") if service_date else today_cn()
    plan, _ = kit.outcome(
        lambda: asdict(
            dispatching.plan_view(
                session, dispatching.find_plan(session, actor, jurisdiction_code=code, day=day)
            )
        )
    )
    of_day = bookings.list_bookings(session, actor, day=day)
    waiting = [b for b in of_day if b.status in bookings.OPEN_STATES]
    contacts = {b.id: (b.address, bookings.masked_phone(b)) for b in of_day}
    return render(
        request,
        "recycling/dispatch.html",
        plan=plan,
        code=code,
        day=day.isoformat(),
        waiting=len(waiting),
        error=None,
        clock=clock_text,
        contacts=contacts,
        can_plan=actor.can("recycling:operate") or actor.can("recycling:manage"),
    )


@router.post("/recycling/dispatch")
def dispatch_submit(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("recycling:read"))],
    jurisdiction_code: Annotated[Code, Form()] = "",
    service_date: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        day = _day(service_date, "service_date")
        dispatching.plan_for_day(session, actor, jurisdiction_code=jurisdiction_code, day=day)
        return f"/recycling/dispatch?jurisdiction_code={jurisdiction_code}&service_date={day}"

    def page(error: kit.PageError) -> HTMLResponse:
        return render(
            request,
            "recycling/dispatch.html",
            plan=None,
            code=jurisdiction_code,
            day=service_date,
            waiting=0,
            error=error,
            clock=clock_text,
            can_plan=True,
        )

    return kit.submit(request, session, change, page)


def _site_names(session: DbSession, stops: list[dict[str, Any]]) -> dict[int, str]:
    """Names of the sites a route unloads at (a driver reads a name, not a number)."""
    ids = {s["site_id"] for s in stops if s.get("site_id")}
    return {s.id: s.name for s in session.scalars(select(Site).where(Site.id.in_(ids)))}


@router.get("/recycling/driver/{plan_id}/{vehicle_id}")
def driver_page(
    request: Request,
    session: DbSession,
    plan_id: Id,
    vehicle_id: Id,
    actor: Annotated[Actor, Depends(page_require("recycling:read"))],
) -> HTMLResponse:
    plan = asdict(dispatching.plan_view(session, dispatching.get_plan(session, actor, plan_id)))
    route = next((r for r in plan["routes"] if r["vehicle_id"] == vehicle_id), None)
    vehicle = session.get(Vehicle, vehicle_id)
    if route is None or vehicle is None:
        raise NoRouteForVehicle("该车辆当天没有路线", field="vehicle_id")
    home = session.get(Site, vehicle.home_site_id)
    assert home is not None
    ids = [s["booking_id"] for s in route["stops"] if s["booking_id"]]
    rows = {b.id: b for b in session.scalars(select(Booking).where(Booking.id.in_(ids)))}
    stops = [
        {
            **s,
            "booking": rows.get(s["booking_id"]),
            "phone": bookings.masked_phone(rows[s["booking_id"]])
            if s["booking_id"] in rows
            else None,
        }
        for s in route["stops"]
    ]
    marks = [Mark(home.lat, home.lon, home.name, "home")]
    marks += [Mark(s["lat"], s["lon"], str(n), s["kind"]) for n, s in enumerate(route["stops"], 1)]
    svg = route_svg(marks, title=f"{vehicle.plate} {plan['service_date']} 路线")
    return render(
        request,
        "recycling/driver.html",
        plan=plan,
        route=route,
        stops=stops,
        vehicle=vehicle,
        home=home,
        svg=svg,
        clock=clock_text,
        site_names=_site_names(session, route["stops"]),
        can_call=actor.can("recycling:operate") or actor.can("recycling:manage"),
    )
