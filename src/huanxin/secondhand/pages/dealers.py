"""Chinese pages of the secondhand domain: the commerce bureau's overview (dealers, credit,
used-car indicator), the dealer's desk (transactions, wiping), the third-party valuer's reports,
the consumer's estimate and complaint, and the public certificate check. The bureau's credit,
certificate, valuation and used-car pages are in ``pages.office``; trading and 公务仓 pages
in ``pages.trade``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput
from huanxin.secondhand import credit_list, valuation_list, vocab
from huanxin.secondhand.pages.forms import act, back_to, day, fen, number
from huanxin.secondhand.pages.office import (
    ReportFilters,
    credit_page,
    event_rows,
    report_rows,
)
from huanxin.secondhand.service import common, credit, dealers, valuation, wipes
from huanxin.web.deps import DbSession, page_require, public
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("secondhand:read"))]
Manager = Annotated[Actor, Depends(page_require("secondhand:manage"))]
DealerDesk = Annotated[Actor, Depends(page_require("secondhand:deal"))]
Checker = Annotated[Actor, Depends(page_require("secondhand:check"))]
Query = Annotated[ListQuery, Depends(list_query)]
VOCAB: dict[str, Any] = {
    "categories": vocab.CATEGORIES,
    "grades": vocab.GRADES,
    "methods": vocab.WIPE_METHODS,
    "directions": vocab.DIRECTIONS,
    "kinds": vocab.DEALER_KINDS,
    "credit_kinds": vocab.CREDIT_KINDS,
    "outcomes": vocab.CREDIT_OUTCOMES,
    "scale_source": vocab.GRADE_SCALE_SOURCE,
}


def _overview(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = [
        {**asdict(dealers.dealer_view(session, d)), **asdict(credit.grade(session, d))}
        for d in dealers.list_dealers(session, actor)
    ]
    return render(
        request,
        "secondhand/overview.html",
        rows=rows,
        error=error,
        form=form or {},
        dealer_names={d["id"]: d["name"] for d in rows},
        cars=dealers.used_car_indicator(
            session, jurisdiction_codes=actor.scope_codes, year=today_cn().year
        ),
        merchants=_merchants(session, actor),
        events=credit.list_events(session, actor),
        guide=valuation.price_guide(session)[:50],
        **VOCAB,
    )


def _merchants(session: Session, actor: Actor) -> list[Any]:
    from huanxin.core import orgs

    return orgs.list_for(session, actor, "merchant")


@router.get("/secondhand")
def overview(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _overview(request, session, actor)


@router.post("/secondhand/dealers")
def register_dealer(
    request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
    cats = [str(c) for c in posted.getlist("categories")]

    def run() -> None:
        dealers.register_dealer(
            session,
            actor,
            org_id=number(f.get("org_id", ""), "org_id"),
            kind=f.get("kind", ""),
            uscc=f.get("uscc", ""),
            licence_no=f.get("licence_no", ""),
            categories=cats,
        )

    return act(
        request,
        session,
        run,
        "/secondhand",
        lambda e, fm: _overview(request, session, actor, e, fm),
        f,
    )


OFFICE_PAGES = ("/secondhand", "/secondhand/credit")


def _office_page(
    request: Request, session: Session, actor: Actor, back: str
) -> Callable[[str | None, dict[str, str]], HTMLResponse]:
    if back == "/secondhand/credit":
        return lambda e, fm: credit_page(request, session, actor, e, fm)
    return lambda e, fm: _overview(request, session, actor, e, fm)


@router.post("/secondhand/dealers/{dealer_id}/status")
def dealer_status(
    dealer_id: Id,
    request: Request,
    session: DbSession,
    actor: Manager,
    posted: kit.Posted,
) -> Response:
    f = kit.text_of(posted)
    back = back_to(f, OFFICE_PAGES)

    def run() -> None:
        dealers.set_status(
            session,
            actor,
            dealer_id=dealer_id,
            status=f.get("status", ""),
            reason=f.get("reason", ""),
        )

    return act(request, session, run, back, _office_page(request, session, actor, back), f)


@router.post("/secondhand/credit/{event_id}/resolve")
def resolve(
    event_id: Id, request: Request, session: DbSession, actor: Manager, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)
    back = back_to(f, OFFICE_PAGES)

    def run() -> None:
        credit.resolve(session, actor, event_id=event_id, outcome=f.get("outcome", ""))

    return act(request, session, run, back, _office_page(request, session, actor, back), f)


def _desk(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    own = common.own_dealer(session, actor, active=False)
    return render(
        request,
        "secondhand/dealer.html",
        error=error,
        form=form or {},
        dealer=own,
        rows=[dealers.transaction_view(t) for t in dealers.list_transactions(session, actor)],
        wipes=[wipes.wipe_view(session, w) for w in wipes.list_wipes(session, actor)],
        today=today_cn().isoformat(),
        **VOCAB,
    )


@router.get("/secondhand/desk")
def desk(request: Request, session: DbSession, actor: DealerDesk) -> HTMLResponse:
    return _desk(request, session, actor)


@router.post("/secondhand/desk/transactions")
def desk_transaction(
    request: Request, session: DbSession, actor: DealerDesk, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        dealers.register_transaction(
            session,
            actor,
            direction=f.get("direction", ""),
            category=f.get("category", ""),
            brand=f.get("brand", ""),
            model=f.get("model", ""),
            serial=f.get("serial", ""),
            made_year=number(f.get("made_year", ""), "made_year"),
            grade=f.get("grade", ""),
            price_fen=fen(f.get("price", ""), "price"),
            traded_on=day(f.get("traded_on", ""), "traded_on"),
            seller_name=f.get("seller_name", ""),
            seller_resident_id=f.get("seller_resident_id", ""),
            buyer_name=f.get("buyer_name", ""),
            buyer_resident_id=f.get("buyer_resident_id", ""),
            certificate_no=f.get("certificate_no") or None,
        )

    safe = {k: v for k, v in f.items() if "resident_id" not in k}
    return act(
        request,
        session,
        run,
        "/secondhand/desk",
        lambda e, fm: _desk(request, session, actor, e, fm),
        safe,
    )


@router.post("/secondhand/desk/wipes")
def desk_wipe(
    request: Request, session: DbSession, actor: DealerDesk, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        try:
            when = datetime.fromisoformat(f.get("wiped_at", ""))
        except ValueError:
            raise InvalidInput("清除时间格式不正确", field="wiped_at") from None
        wipes.record_wipe(
            session,
            actor,
            category=f.get("category", ""),
            brand=f.get("brand", ""),
            model=f.get("model", ""),
            serial=f.get("serial", ""),
            method=f.get("method", ""),
            tool=f.get("tool", ""),
            operator_name=f.get("operator_name", ""),
            wiped_at=when,
            verified=f.get("verified") == "yes",
            verification_note=f.get("verification_note", ""),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/desk",
        lambda e, fm: _desk(request, session, actor, e, fm),
        f,
    )


@router.get("/secondhand/check", dependencies=[Depends(public)])
def check_page(request: Request, session: DbSession, code: Code = "") -> HTMLResponse:
    """Public: anyone checks a wipe certificate by its verification code."""
    result, error = None, None
    if code.strip():
        result, error = kit.outcome(lambda: wipes.public_check(session, code=code))
    return render(
        request,
        "secondhand/check.html",
        code=code,
        result=result,
        error=error,
        status_code=404 if error else 200,
    )


def _consumer(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    result: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "secondhand/consumer.html",
        error=error,
        form=form or {},
        result=result,
        action="/secondhand/estimate",
        complaints=True,
        **VOCAB,
    )


def _complaint_filters(outcome: Code = "") -> dict[str, str]:
    """A consumer's complaints, all of them unless a state is chosen."""
    return {"outcome": outcome}


ComplaintFilters = Annotated[dict[str, str], Depends(_complaint_filters)]


def _complaints(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    active = dealers.list_dealers(session, actor, status="active")
    page = page_of(
        session,
        credit_list.COMPLAINTS,
        credit.readable(actor, own=True),
        query or ListQuery(),
        path="/secondhand/complaints",
        filters=filters or _complaint_filters(),
        view=event_rows(session),
    )
    return render(
        request,
        "secondhand/complaints.html",
        error=error,
        form=form or {},
        dealers=[dealers.dealer_view(session, d) for d in active],
        page=page,
        mine=page.rows,
        today=today_cn().isoformat(),
        **VOCAB,
    )


def estimate_page(
    request: Request,
    session: Session,
    actor: Actor,
    q: dict[str, str],
    page: Callable[..., HTMLResponse],
) -> HTMLResponse:
    if not q.get("model"):
        return page(request, session, actor)

    def estimate() -> HTMLResponse:
        result = valuation.estimate(
            session,
            category=q.get("category", ""),
            model=q["model"],
            made_year=number(q.get("made_year", ""), "made_year"),
            grade=q.get("grade", ""),
        )
        return page(request, session, actor, form=q, result=result)

    return kit.show(
        request, session, estimate, lambda e: page(request, session, actor, error=e.message, form=q)
    )


@router.get("/secondhand/estimate")
def consumer_page(request: Request, session: DbSession, actor: Checker) -> HTMLResponse:
    return estimate_page(request, session, actor, dict(request.query_params), _consumer)


@router.get("/secondhand/complaints")
def complaints_page(
    request: Request,
    session: DbSession,
    actor: Checker,
    query: Query,
    filters: ComplaintFilters,
) -> HTMLResponse:
    """The complaint form and the caller's own complaints, a page at a time."""
    return _complaints(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/complaints.xlsx")
def complaints_export(
    session: DbSession, actor: Checker, query: Query, filters: ComplaintFilters
) -> Response:
    """The caller's complaints the list shows under the same filters and search, as .xlsx."""
    stmt, view = credit.readable(actor, own=True), event_rows(session)
    spec = credit_list.COMPLAINTS
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/secondhand/complaints")
def complain(request: Request, session: DbSession, actor: Checker, posted: kit.Posted) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        credit.file_complaint(
            session,
            actor,
            dealer_id=number(f.get("dealer_id", ""), "dealer_id"),
            description=f.get("description", ""),
            occurred_on=day(f.get("occurred_on", ""), "occurred_on"),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/complaints?done=1",
        lambda e, fm: _complaints(request, session, actor, e, fm),
        f,
    )


def _reports(
    request: Request,
    session: Session,
    actor: Actor,
    error: str | None = None,
    form: dict[str, str] | None = None,
    *,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    own = common.own_dealer(session, actor, active=False)
    page = page_of(
        session,
        valuation_list.OWN,
        valuation.readable(session, actor),
        query or ListQuery(),
        path="/secondhand/reports",
        filters=filters or {"category": "", "grade": ""},
        view=report_rows(session),
    )
    return render(
        request,
        "secondhand/valuer.html",
        error=error,
        form=form or {},
        dealer=own,
        page=page,
        rows=page.rows,
        today=today_cn().isoformat(),
        **VOCAB,
    )


@router.get("/secondhand/reports")
def valuer_desk(
    request: Request,
    session: DbSession,
    actor: DealerDesk,
    query: Query,
    filters: ReportFilters,
) -> HTMLResponse:
    """A registered third-party valuer submits and lists its valuation reports."""
    return _reports(request, session, actor, query=query, filters=filters)


@router.get("/secondhand/reports.xlsx")
def valuer_export(
    session: DbSession, actor: DealerDesk, query: Query, filters: ReportFilters
) -> Response:
    """The valuer's reports the list shows under the same filters and search, as .xlsx."""
    stmt, view = valuation.readable(session, actor), report_rows(session)
    spec = valuation_list.OWN
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


@router.post("/secondhand/reports")
def submit_report(
    request: Request, session: DbSession, actor: DealerDesk, posted: kit.Posted
) -> Response:
    f = kit.text_of(posted)

    def run() -> None:
        valuation.create_report(
            session,
            actor,
            category=f.get("category", ""),
            brand=f.get("brand", ""),
            model=f.get("model", ""),
            serial=f.get("serial", ""),
            grade=f.get("grade", ""),
            value_fen=fen(f.get("value", ""), "value"),
            valued_on=day(f.get("valued_on", ""), "valued_on"),
            note=f.get("note", ""),
        )

    return act(
        request,
        session,
        run,
        "/secondhand/reports",
        lambda e, fm: _reports(request, session, actor, e, fm),
        f,
    )
