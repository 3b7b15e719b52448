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
from huanxin.core.clock import local_text, today_cn
from huanxin.secondhand import credit_list, valuation_list, vocab, wipe_list
from huanxin.secondhand.models import CreditEvent, ValuationReport, WipeRecord
from huanxin.secondhand.pages.forms import act, day, number, percent_bp
from huanxin.secondhand.service import credit, dealers, valuation, wipes
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, View, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("secondhand:read"))]
Manager = Annotated[Actor, Depends(page_require("secondhand:manage"))]
Query = Annotated[ListQuery, Depends(list_query)]
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


def event_rows(session: Session) -> View:
    """A page of credit records as the list draws and exports them: the dealer by name."""

    def view(rows: list[CreditEvent]) -> list[dict[str, Any]]:
        names = dealers.dealer_names(session, (e.dealer_id for e in rows))
        return [
            {**asdict(credit.event_view(e)), "dealer": names.get(e.dealer_id, "")} for e in rows
        ]

    return view


def _event_filters(outcome: Code | None = None, kind: Code = "") -> dict[str, str]:
    """The credit page's filters from the address; it opens on the records still pending."""
    return {"outcome": credit_list.PENDING if outcome is None else outcome, "kind": kind}


EventFilters = Annotated[dict[str, str], Depends(_event_filters)]


def credit_page(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = dealers.list_dealers(session, actor)
    graded = [
        {**asdict(dealers.dealer_view(session, d)), **asdict(credit.grade(session, d))}
        for d in rows
    ]
    page = page_of(
        session,
        credit_list.SPEC,
        credit.readable(actor),
        query or ListQuery(),
        path="/secondhand/credit",
        filters=filters or _event_filters(),
        view=event_rows(session),
    )
    return render(
        request,
        "secondhand/credit.html",
        error=error,
        form=form or {},
        rows=graded,
        suspended=[d for d in graded if d["status"] == "suspended"],
        page=page,
        events=page.rows,
        kind_text=credit_list.kind_text,
        severities=SEVERITIES,
        today=today_cn().isoformat(),
        **VOCAB,
    )


@router.get("/secondhand/credit")
def credit_records(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: EventFilters
) -> HTMLResponse:
    """Dealers' grades and the credit records a page at a time, pending ones first."""
    return credit_page(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/credit.xlsx")
def credit_export(
    session: DbSession, actor: Reader, query: Query, filters: EventFilters
) -> Response:
    """The credit records the list shows under the same filters and search, as .xlsx."""
    stmt, view = credit.readable(actor), event_rows(session)
    return export(session, credit_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/secondhand/credit/events")
def record_event(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
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
def dealer_status(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    """Suspend or reinstate a dealer from the credit page (the dealer chosen in the form)."""
    f = kit.text_of(posted)

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


def _wipe_rows(session: Session) -> View:
    """A page of wipe records as the list draws and exports them: dealer by name, local time."""

    def view(rows: list[WipeRecord]) -> list[dict[str, Any]]:
        names = dealers.dealer_names(session, (w.dealer_id for w in rows))
        return [
            {
                **asdict(wipes.wipe_view(session, w)),
                "dealer": names.get(w.dealer_id, ""),
                "wiped": local_text(w.wiped_at),
            }
            for w in rows
        ]

    return view


def _wipe_filters(state: Code = "", method: Code = "", category: Code = "") -> dict[str, str]:
    return {"state": state, "method": method, "category": category}


WipeFilters = Annotated[dict[str, str], Depends(_wipe_filters)]


def _certificates(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    page = page_of(
        session,
        wipe_list.SPEC,
        wipes.readable(session, actor),
        query or ListQuery(),
        path="/secondhand/certificates",
        filters=filters or _wipe_filters(),
        view=_wipe_rows(session),
    )
    return render(
        request,
        "secondhand/certificates.html",
        error=error,
        form=form or {},
        page=page,
        rows=page.rows,
        **VOCAB,
    )


@router.get("/secondhand/certificates")
def certificates(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: WipeFilters
) -> HTMLResponse:
    """Every wipe record in scope a page at a time, newest first; search, filter, export."""
    return _certificates(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/certificates.xlsx")
def certificates_export(
    session: DbSession, actor: Reader, query: Query, filters: WipeFilters
) -> Response:
    """The wipe records the list shows under the same filters and search, as .xlsx."""
    stmt, view = wipes.readable(session, actor), _wipe_rows(session)
    return export(session, wipe_list.SPEC, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/secondhand/certificates/revoke")
def revoke(request: Request, session: DbSession, actor: Manager, posted: kit.Posted) -> Response:
    f = kit.text_of(posted)

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


def report_rows(session: Session) -> View:
    """A page of valuation reports as the list draws and exports them: the valuer by name."""

    def view(rows: list[ValuationReport]) -> list[dict[str, Any]]:
        names = dealers.dealer_names(session, (r.valuer_id for r in rows))
        return [
            {**asdict(valuation.report_view(r)), "valuer": names.get(r.valuer_id, "")} for r in rows
        ]

    return view


def _report_filters(category: Code = "", grade: Code = "") -> dict[str, str]:
    return {"category": category, "grade": grade}


ReportFilters = Annotated[dict[str, str], Depends(_report_filters)]


def _valuations(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    valuers = dealers.list_dealers(session, actor, kind="valuer")
    page = page_of(
        session,
        valuation_list.SPEC,
        valuation.readable(session, actor),
        query or ListQuery(),
        path="/secondhand/valuations",
        filters=filters or _report_filters(),
        view=report_rows(session),
    )
    return render(
        request,
        "secondhand/valuations.html",
        error=error,
        form=form or {},
        valuers=[dealers.dealer_view(session, d) for d in valuers],
        page=page,
        reports=page.rows,
        merchants=orgs.list_for(session, actor, "merchant"),
        **VOCAB,
    )


@router.get("/secondhand/valuations")
def valuations(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: ReportFilters
) -> HTMLResponse:
    """Registered valuers and every report in scope, a page at a time, newest first."""
    return _valuations(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/valuations.xlsx")
def valuations_export(
    session: DbSession, actor: Reader, query: Query, filters: ReportFilters
) -> Response:
    """The reports the list shows under the same filters and search, as .xlsx."""
    stmt, view = valuation.readable(session, actor), report_rows(session)
    spec = valuation_list.SPEC
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/secondhand/valuers")
def register_valuer(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
    cats = [str(c) for c in posted.getlist("categories")]

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
def set_baseline(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

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
