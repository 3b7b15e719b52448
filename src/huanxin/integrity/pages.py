"""Pages of the integrity domain (Chinese): risk dashboard with its chart, review queue,
a held claim's evidence side by side with the decision form, merchant profile."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from huanxin.claims import api as claims_api
from huanxin.core import orgs
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Text
from huanxin.core.clock import today_cn
from huanxin.core.vocab import CATEGORY_LABELS
from huanxin.integrity import queue_list
from huanxin.integrity.chart import detector_svg
from huanxin.integrity.models import RiskScore
from huanxin.integrity.schema import kind_label
from huanxin.integrity.service import reports, review
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("integrity:read"))]
Reviewer = Annotated[Actor, Depends(page_require("integrity:review"))]
Query = Annotated[ListQuery, Depends(list_query)]
CATEGORY = CATEGORY_LABELS


@router.get("/integrity")
def dashboard_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    board = reports.dashboard(session, actor)
    return render(
        request,
        "integrity/dashboard.html",
        board=board,
        precision=reports.precision_report(session, actor),
        status_labels=review.STATUS_LABELS,
        kind_label=kind_label,
        detector_titles={d: t for d, t, _ in board.by_detector},
    )


@router.get("/integrity/chart.svg")
def chart_svg(session: DbSession, actor: Reader) -> Response:
    board = reports.dashboard(session, actor)
    svg = detector_svg([(title, n) for _, title, n in board.by_detector])
    return Response(svg, media_type="image/svg+xml")


def _queue(actor: Actor, status: str | None) -> tuple[Any, dict[str, str]]:
    stmt = select(RiskScore).where(RiskScore.jurisdiction_code.in_(actor.scope_codes))
    return stmt, {"status": queue_list.OPENING if status is None else status}


@router.get("/integrity/queue")
def queue_page(
    request: Request, session: DbSession, actor: Reader, query: Query, status: Code | None = None
) -> HTMLResponse:
    """Scored claims a page at a time, opening on those held for review."""
    stmt, chosen = _queue(actor, status)
    view = partial(review.cases_of, session)
    page = page_of(
        session, queue_list.SPEC, stmt, query, path="/integrity/queue", filters=chosen, view=view
    )
    return render(request, "integrity/queue.html", page=page, labels=claims_api.LABELS)


@router.get("/integrity/queue.xlsx")
def queue_export(
    session: DbSession, actor: Reader, query: Query, status: Code | None = None
) -> Response:
    """The queue under the same filter and search, every page, as .xlsx."""
    stmt, chosen = _queue(actor, status)
    view = partial(review.cases_of, session)
    spec = queue_list.SPEC
    return export(session, spec, stmt, query, filters=chosen, on=today_cn(), view=view)


def _name_merchant(org_id: int | None, name: str | None, text: str) -> str:
    """Detector explanations name the merchant by its id ("商户 13 在…"); a person reads
    its name."""
    if org_id is None or not name:
        return text
    return re.sub(rf"商户 {org_id}(?!\d) ?", f"商户“{name}”", text)


def _case_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    claim_id: int,
    error: kit.PageError | None = None,
) -> HTMLResponse:
    item = review.case(session, actor, claim_id)
    merchant = item.claim.merchant_org_id
    name = orgs.names_of(session, [merchant]).get(merchant) if merchant else None
    return render(
        request,
        "integrity/case.html",
        item=item,
        explain=partial(_name_merchant, merchant, name),
        related=review.related(session, actor, item.claim),
        decisions=review.decisions_of(session, claim_id),
        error=error,
        labels=claims_api.LABELS,
        status_labels=review.STATUS_LABELS,
        decision_labels=review.DECISIONS,
        category=CATEGORY,
    )


@router.get("/integrity/claims/{claim_id}")
def case_page(claim_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _case_page(request, session, actor, claim_id)


@router.post("/integrity/claims/{claim_id}/decision")
def decide_submit(
    claim_id: Id,
    request: Request,
    session: DbSession,
    actor: Reviewer,
    decision: Annotated[Code, Form()] = "",
    note: Annotated[Text, Form()] = "",
) -> Response:
    def change() -> str:
        review.decide(session, actor, claim_id=claim_id, decision=decision, note=note)
        return f"/integrity/claims/{claim_id}"

    return kit.submit(
        request, session, change, lambda e: _case_page(request, session, actor, claim_id, e)
    )


def _merchant_claims(actor: Actor, org_id: int, status: str | None) -> tuple[Any, dict[str, str]]:
    stmt, chosen = _queue(actor, status)
    return stmt.where(RiskScore.merchant_org_id == org_id, RiskScore.score > 0), chosen


@router.get("/integrity/merchants/{org_id}")
def merchant_page(
    org_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    status: Code | None = None,
) -> HTMLResponse:
    """A merchant's risk, and its risky claims a page at a time (held ones first)."""
    profile = reports.merchant_profile(session, actor, org_id)
    stmt, chosen = _merchant_claims(actor, org_id, status)
    page = page_of(
        session,
        queue_list.SPEC,
        stmt,
        query,
        path=f"/integrity/merchants/{org_id}",
        filters=chosen,
        view=partial(review.cases_of, session),
    )
    return render(
        request,
        "integrity/merchant.html",
        profile=profile,
        page=page,
        labels=claims_api.LABELS,
        status_labels=review.STATUS_LABELS,
    )


@router.get("/integrity/merchants/{org_id}/claims.xlsx")
def merchant_export(
    org_id: Id, session: DbSession, actor: Reader, query: Query, status: Code | None = None
) -> Response:
    """The merchant's risky claims under the same filter and search, as .xlsx."""
    reports.merchant_profile(session, actor, org_id)  # refuses a merchant out of scope
    stmt, chosen = _merchant_claims(actor, org_id, status)
    view = partial(review.cases_of, session)
    spec = queue_list.SPEC
    return export(session, spec, stmt, query, filters=chosen, on=today_cn(), view=view)
