"""Public pages under ``/public/`` (no login, phone first): each programme explained with
worked examples from the policy engine, the office's questions and answers, participating
merchants and recycling points by area, notices, typical cases, and the budget notice (each
programme's money left, whether sales are paused, the next release: ``ledger.notice``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from huanxin.core import jurisdictions
from huanxin.core.bounds import Code, Year
from huanxin.core.clock import today_cn
from huanxin.ledger.api import notice as budget_notice
from huanxin.ledger.errors import yuan_grouped
from huanxin.supervision.service import publicity
from huanxin.web.deps import DbSession, public
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(public)])
SECTIONS = [
    ("programmes", "补贴政策解读"),
    ("qa", "常见问题"),
    ("places", "参与商户和回收网点"),
    ("notices", "通知公告"),
    ("cases", "典型案例"),
    ("budget", "补贴资金情况"),
]


@router.get("/public/")
def public_home(request: Request, session: DbSession) -> HTMLResponse:
    return render(request, "public/home.html", areas=publicity.areas(session))


def _area(
    request: Request, session: DbSession, code: str, section: str, **context: Any
) -> HTMLResponse:
    publicity.public_actor(session, code)  # 404 for an unknown area
    return render(
        request,
        f"public/{section}.html",
        code=code,
        sections=SECTIONS,
        section=section,
        place=jurisdictions.full_name(session, code),
        **context,
    )


@router.get("/public/{code}/")
def public_programmes(code: Code, request: Request, session: DbSession) -> HTMLResponse:
    return _area(
        request,
        session,
        code,
        "programmes",
        programmes=publicity.programmes_for(session, code),
    )


@router.get("/public/{code}/qa")
def public_qa(code: Code, request: Request, session: DbSession) -> HTMLResponse:
    return _area(
        request,
        session,
        code,
        "items",
        items=publicity.published(session, code, "qa"),
        heading="常见问题",
    )


@router.get("/public/{code}/notices")
def public_notices(code: Code, request: Request, session: DbSession) -> HTMLResponse:
    return _area(
        request,
        session,
        code,
        "items",
        items=publicity.published(session, code, "notice"),
        heading="通知公告",
    )


@router.get("/public/{code}/cases")
def public_cases(code: Code, request: Request, session: DbSession) -> HTMLResponse:
    return _area(
        request,
        session,
        code,
        "items",
        items=publicity.published(session, code, "case"),
        heading="典型案例",
    )


@router.get("/public/{code}/places")
def public_places(code: Code, request: Request, session: DbSession) -> HTMLResponse:
    return _area(
        request,
        session,
        code,
        "places",
        merchants=publicity.merchants_of(session, code),
        points=publicity.recycling_points_of(session, code),
    )


@router.get("/public/{code}/budget")
def public_budget(
    code: Code, request: Request, session: DbSession, year: Year | None = None
) -> HTMLResponse:
    """Each programme's budget state here: open or paused (and why), money left, next release."""
    year = year or today_cn().year
    return _area(
        request,
        session,
        code,
        "budget",
        rows=budget_notice.board(session, code, year=year),
        year=year,
        money=yuan_grouped,
    )
