"""Chinese pages of the commerce bureau beyond the overview: credit records (complaints,
disputes, violations, fulfilment) with dealer suspension and reinstatement, wipe certificates
and their revocation, third-party valuers and their reports, and the used-car indicator with
its 2023 baseline. Included by ``pages``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions, orgs
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Year
from huanxin.core.clock import today_cn
from huanxin.secondhand import vocab
from huanxin.secondhand.models import Dealer
from huanxin.secondhand.pages.forms import act, day, form_of, number, percent_bp
from huanxin.secondhand.service import credit, dealers, valuation, wipes
from huanxin.web.deps import DbSession, page_require
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("secondhand:read"))]
Manager = Annotated[Actor, Depends(page_require("secondhand:manage"))]
VOCAB: dict[str, Any] = {
    "categories": vocab.CATEGORIES,
    "grades": vocab.GRADES,
    "methods": vocab.WIPE_METHODS,
    "kinds": vocab.DEALER_KINDS,
    "credit_kinds": vocab.CREDIT_KINDS,
    "outcomes": vocab.CREDIT_OUTCOMES,
    "status_labels": wipes.STATUS_LABELS,
}
SEVERITIES = {"normal": "一般", "serious": "严重"}


def _names(session: Session, rows: list[Dealer]) -> dict[int, str]:
    return {d.id: dealers.dealer_view(session, d).name for d in rows}


def credit_page(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = dealers.list_dealers(session, actor)
    graded = [
        {**asdict(dealers.dealer_view(session, d)), **asdict(credit.grade(session, d))}
        for d in rows
    ]
    names = _names(session, rows)
    events = [
        {**asdict(credit.event_view(e)), "dealer": names.get(e.dealer_id, "")}
        for e in credit.list_events(session, actor)
    ]
    return render(
        request,
        "secondhand/credit.html",
        error=error,
        form=form or {},
        rows=graded,
        suspended=[d for d in graded if d["status"] == "suspended"],
        events=events,
        severities=SEVERITIES,
        today=today_cn().isoformat(),
        **VOCAB,
    )


@router.get("/secondhand/credit")
def credit_records(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return credit_page(request, session, actor)


@router.post("/secondhand/credit/events")
async def record_event(request: Request, session: DbSession, actor: Manager) -> Response:
    f = await form_of(request)
    kind, _, outcome = f.get("event", "").partition(":")  # one select: "dispute:mediated"

    def run() -> None:
        credit.record_event(
            session,
            actor,
            dealer_id=number(f.get("dealer_id", ""), "dealer_id"),
            kind=kind,
            outcome=outcome,
            severity=f.get("severity", "normal"),
            description=f.get("description", ""),
            occurred_on=day(f.get("occurred_on", ""), "occurred_on"),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/credit",
        lambda e, fm: credit_page(request, session, actor, e, fm),
        f,
    )


@router.post("/secondhand/credit/status")
async def dealer_status(request: Request, session: DbSession, actor: Manager) -> Response:
    """Suspend or reinstate a dealer from the credit page (the dealer chosen in the form)."""
    f = await form_of(request)

    def run() -> None:
        dealers.set_status(
            session,
            actor,
            dealer_id=number(f.get("dealer_id", ""), "dealer_id"),
            status=f.get("status", ""),
            reason=f.get("reason", ""),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/credit",
        lambda e, fm: credit_page(request, session, actor, e, fm),
        f,
    )


def _certificates(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    serial: str = "",
) -> HTMLResponse:
    names = _names(session, dealers.list_dealers(session, actor))
    rows = [
        {**asdict(wipes.wipe_view(session, w)), "dealer": names.get(w.dealer_id, "")}
        for w in wipes.list_wipes(session, actor, serial=serial)
    ]
    return render(
        request,
        "secondhand/certificates.html",
        error=error,
        form=form or {},
        rows=rows,
        serial=serial,
        **VOCAB,
    )


@router.get("/secondhand/certificates")
def certificates(
    request: Request, session: DbSession, actor: Reader, serial: Code = ""
) -> HTMLResponse:
    return _certificates(request, session, actor, serial=serial)


@router.post("/secondhand/certificates/revoke")
async def revoke(request: Request, session: DbSession, actor: Manager) -> Response:
    f = await form_of(request)

    def run() -> None:
        wipes.revoke(session, actor, cert_no=f.get("cert_no", ""), reason=f.get("reason", ""))

    return act(
        request,
        session,
        run,
        "/secondhand/certificates",
        lambda e, fm: _certificates(request, session, actor, e, fm),
        f,
    )


def _valuations(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    valuers = dealers.list_dealers(session, actor, kind="valuer")
    names = _names(session, valuers)
    reports = [
        {**asdict(valuation.report_view(r)), "valuer": names.get(r.valuer_id, "")}
        for r in valuation.list_reports(session, actor)
    ]
    return render(
        request,
        "secondhand/valuations.html",
        error=error,
        form=form or {},
        valuers=[dealers.dealer_view(session, d) for d in valuers],
        reports=reports,
        merchants=orgs.list_for(session, actor, "merchant"),
        **VOCAB,
    )


@router.get("/secondhand/valuations")
def valuations(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _valuations(request, session, actor)


@router.post("/secondhand/valuers")
async def register_valuer(request: Request, session: DbSession, actor: Manager) -> Response:
    f = await form_of(request)
    cats = [str(c) for c in (await request.form()).getlist("categories")]

    def run() -> None:
        dealers.register_dealer(
            session,
            actor,
            org_id=number(f.get("org_id", ""), "org_id"),
            kind="valuer",
            uscc=f.get("uscc", ""),
            licence_no=f.get("licence_no", ""),
            categories=cats,
        )

    return act(
        request,
        session,
        run,
        "/secondhand/valuations",
        lambda e, fm: _valuations(request, session, actor, e, fm),
        f,
    )


def _used_cars(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    year: int | None = None,
) -> HTMLResponse:
    year = year or today_cn().year
    cars = dealers.used_car_indicator(session, jurisdiction_codes=actor.scope_codes, year=year)
    places = jurisdictions.list_within(session, actor.scope_codes)
    names = {p.code: p.name for p in places}
    rows = [
        {
            "name": names.get(b.jurisdiction_code, b.jurisdiction_code),
            "plan": b,
            **asdict(
                dealers.used_car_indicator(
                    session,
                    year=year,
                    jurisdiction_codes=(
                        jurisdictions.subtree_codes(session, b.jurisdiction_code)
                        & actor.scope_codes
                    ),
                )
            ),
        }
        for b in dealers.list_car_baselines(session, actor)
    ]
    return render(
        request,
        "secondhand/used_cars.html",
        error=error,
        form=form or {},
        cars=cars,
        rows=rows,
        places=places,
        year=year,
        years=range(2023, today_cn().year + 1),
    )


@router.get("/secondhand/used-cars")
def used_cars(
    request: Request, session: DbSession, actor: Reader, year: Year | None = None
) -> HTMLResponse:
    return _used_cars(request, session, actor, year=year)


@router.post("/secondhand/used-cars/baseline")
async def set_baseline(request: Request, session: DbSession, actor: Manager) -> Response:
    f = await form_of(request)

    def run() -> None:
        dealers.set_car_baseline(
            session,
            actor,
            jurisdiction_code=f.get("jurisdiction_code", ""),
            count=number(f.get("count", ""), "count"),
            target_growth_bp=percent_bp(f.get("target_growth", ""), "target_growth"),
            target_year=number(f.get("target_year", ""), "target_year"),
            source=f.get("source", ""),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/used-cars",
        lambda e, fm: _used_cars(request, session, actor, e, fm),
        f,
    )
