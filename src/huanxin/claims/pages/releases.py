"""Timed quota release pages (Chinese): the office defines a schedule, sees each day's round
and draws a lottery round; anyone who reads programmes sees the schedules that apply and the
next release; a consumer enters a lottery from /my; anyone reads a round's published record
at /public/lottery/{id}."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from huanxin.claims import release_list
from huanxin.claims.errors import ReleaseFormInvalid
from huanxin.claims.models import QuotaRelease
from huanxin.claims.service import lottery, release_plans, releases
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import as_utc, local_text, today_cn, utcnow
from huanxin.core.models import Jurisdiction
from huanxin.ledger import service as ledger
from huanxin.policy import service as policies
from huanxin.policy.api import PaymentMode
from huanxin.web.deps import DbSession, page_require, public
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
FIELDS = (
    "programme_id",
    "category",
    "jurisdiction_code",
    "pool_id",
    "first_day",
    "last_day",
    "release_time",
    "per_release",
    "valid_minutes",
    "day_cap",
    "month_cap",
    "mode",
    "entry_minutes",
)


def _names(session: DbSession, codes: set[str]) -> dict[str, str]:
    stmt = select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(codes))
    return {row.code: row.name for row in session.execute(stmt)}


def _choices(session: DbSession, actor: Actor) -> dict[str, Any]:
    programmes = {
        p.id: p.title
        for p in policies.visible_programmes(session, actor.scope_codes)
        if p.payment_mode is PaymentMode.point_of_sale and p.quota
    }
    return {
        "programmes": programmes,
        "places": _names(session, set(actor.scope_codes)),
        "pools": {p.id: p.name for p in session.scalars(ledger.readable(actor))},
        "categories": policies.category_vocabulary(session, actor.jurisdiction_code),
        "modes": release_plans.MODES,
    }


Reader = Annotated[Actor, Depends(page_require("policy:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(state: Code | None = None, mode: Code = "", category: Code = "") -> dict[str, str]:
    """The list's filters from the address; it opens on the schedules not yet ended."""
    chosen = release_list.OPENING if state is None else state
    return {"state": chosen, "mode": mode, "category": category}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _listing(
    session: DbSession, actor: Actor
) -> tuple[Any, Any, Callable[[list[QuotaRelease]], list[release_list.ReleaseRow]]]:
    """The readable statement, the list and the view of its rows, for the page and export."""
    stmt, titles = release_list.readable(session, actor), release_list.titles_of(session)
    codes = set(session.scalars(select(QuotaRelease.jurisdiction_code).distinct()))
    view = release_list.rows_of(session, titles, _names(session, codes))
    return stmt, release_list.spec(titles), view


def _page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> HTMLResponse:
    stmt, spec, view = _listing(session, actor)
    page = page_of(
        session,
        spec,
        stmt,
        query or ListQuery(),
        path="/quota-releases",
        filters=filters if filters is not None else _filters(),
        view=view,
    )
    return render(
        request,
        "claims/releases.html",
        status_code=status_code,
        page=page,
        form=form or {"release_time": "07:00", "day_cap": "1", "month_cap": "4"},
        error=error,
        **(_choices(session, actor) if actor.can("policy:write") else {}),
    )


@router.get("/quota-releases")
def releases_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """Schedules a page at a time, those not yet ended first; search, filter, sort, export."""
    return _page(request, session, actor, query=query, filters=filters)


@router.get("/quota-releases.xlsx")
def releases_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The schedules the list shows under the same filters and search, as .xlsx."""
    stmt, spec, view = _listing(session, actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn(), view=view)


def _int(form: dict[str, str], name: str, label: str, default: int | None = None) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise ReleaseFormInvalid(f"{label}：应为正整数", field=name)
    return int(text)


def _day(form: dict[str, str], name: str, label: str) -> date:
    try:
        return date.fromisoformat(form.get(name, "").strip())
    except ValueError:
        raise ReleaseFormInvalid(f"{label}：日期格式应为YYYY-MM-DD", field=name) from None


def plan_from_form(session: DbSession, form: dict[str, str]) -> release_plans.PlanInput:
    return release_plans.PlanInput(
        programme_id=form.get("programme_id", ""),
        category=policies.resolve_category(session, form.get("category", "")),
        jurisdiction_code=form.get("jurisdiction_code", ""),
        pool_id=_int(form, "pool_id", "资金池") or 0,
        first_day=_day(form, "first_day", "起始日期"),
        last_day=_day(form, "last_day", "结束日期"),
        release_time=form.get("release_time", ""),
        per_release=_int(form, "per_release", "每次发放数量") or 0,
        valid_minutes=_int(form, "valid_minutes", "有效时长"),
        day_cap=_int(form, "day_cap", "每日限领", 1) or 0,
        month_cap=_int(form, "month_cap", "每月限领", 4) or 0,
        mode=form.get("mode", "first_come"),
        entry_minutes=_int(form, "entry_minutes", "报名时长"),
    )


@router.post("/quota-releases")
def releases_define(
    request: Request,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:write"))],
    programme_id: Annotated[Code, Form()] = "",
    category: Annotated[Code, Form()] = "",
    jurisdiction_code: Annotated[Code, Form()] = "",
    pool_id: Annotated[Code, Form()] = "",
    first_day: Annotated[Code, Form()] = "",
    last_day: Annotated[Code, Form()] = "",
    release_time: Annotated[Code, Form()] = "",
    per_release: Annotated[Code, Form()] = "",
    valid_minutes: Annotated[Code, Form()] = "",
    day_cap: Annotated[Code, Form()] = "",
    month_cap: Annotated[Code, Form()] = "",
    mode: Annotated[Code, Form()] = "first_come",
    entry_minutes: Annotated[Code, Form()] = "",
) -> Response:
    form = {k: v for k, v in locals().items() if k in FIELDS}

    def change() -> str:
        release = release_plans.define(session, actor, plan_from_form(session, form))
        return f"/quota-releases/{release.id}"

    def page(error: kit.PageError) -> HTMLResponse:
        return _page(request, session, actor, form=form, error=error.message)

    return kit.submit(request, session, change, page)


@router.get("/quota-releases/{release_id}")
def release_page(
    request: Request,
    release_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:read"))],
) -> HTMLResponse:
    release: QuotaRelease = releases.get_release(session, actor, release_id)
    titles = {p.id: p.title for p in policies.all_versions(session)}
    return render(
        request,
        "claims/release.html",
        release=release,
        title=titles.get(release.programme_id, ""),
        place=_names(session, {release.jurisdiction_code}).get(release.jurisdiction_code, ""),
        rounds=releases.rounds_of(session, release.id),
        upcoming=releases.next_opening(release, utcnow()),
        time_text=releases.time_text,
        modes=release_plans.MODES,
        as_utc=as_utc,
        now=utcnow(),
    )


@router.post("/quota-releases/rounds/{round_id}/draw")
def round_draw(
    request: Request,
    round_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("policy:write"))],
) -> Response:
    rnd = lottery.draw(session, actor, round_id=round_id, now=utcnow())  # a refusal: error page
    return kit.go(f"/public/lottery/{rnd.id}")


@router.post("/my/lottery/{release_id}")
def my_lottery_entry(
    request: Request,
    release_id: Id,
    session: DbSession,
    actor: Annotated[Actor, Depends(page_require("claims:own"))],
) -> Response:
    entry = lottery.enter(
        session, actor, release_id=release_id, now=utcnow()
    )  # refusal: error page
    return kit.go(f"/public/lottery/{entry.round_id}?ticket={entry.ticket}")


@router.get("/public/lottery/{round_id}", dependencies=[Depends(public)])
def lottery_public(
    request: Request, round_id: Id, session: DbSession, ticket: Code = ""
) -> HTMLResponse:
    """The published record of a lottery round, for anyone: no login."""
    record = lottery.record(session, round_id)
    return render(
        request,
        "public/lottery.html",
        record=record,
        mine=ticket.strip().upper(),
        closes=local_text(datetime.fromisoformat(str(record["entries_close_at"]))),
    )
