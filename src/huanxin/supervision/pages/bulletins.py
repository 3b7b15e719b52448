"""Pages of the recurring reports: the templates the office adjusts, generating a report,
the reports made (with their kept figures, .docx and PDF) and, for a unit, those delivered
to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id
from huanxin.core.clock import today_cn
from huanxin.supervision import figures
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.pages import work_lists
from huanxin.supervision.pages.kit import Reader, Writer, day, number, page
from huanxin.supervision.service import bulletins, departments, inbox, publicity
from huanxin.supervision.vocab import PublicKind, ReportKind, choices
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.kit.lists import ListQuery, list_query
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session: Session, actor: Actor, exc: kit.PageError | None = None
) -> HTMLResponse:
    office = actor.can("supervision:write")
    tpls = bulletins.templates_for(session, actor) if office else []
    return page(
        request,
        "supervision/bulletins.html",
        exc,
        today=today_cn(),
        templates=[views.template_read(t) for t in tpls],
        rows=[views.bulletin_read(session, b) for b in bulletins.list_for(session, actor)],
        figures=figures.choices(),
        kinds=choices(ReportKind),
        departments=departments.list_for(session, actor) if office else [],
    )


@router.get("/supervision/bulletins")
def bulletins_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _page(request, session, actor)


@router.post("/supervision/bulletins")
def bulletin_create(
    request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:

    def change() -> str:
        bulletins.generate(
            session,
            actor,
            number(str(form.get("template_id") or ""), "template_id", "报告模板") or 0,
            period_end=day(str(form.get("period_end") or ""), "period_end", "统计截止日期"),
            period_start=day(str(form.get("period_start") or ""), "period_start", "统计起始日期"),
            title=str(form.get("title") or "")[:128],
        )
        return "/supervision/bulletins"

    return kit.submit(request, session, change, lambda e: _page(request, session, actor, e))


@router.post("/supervision/bulletins/templates")
def template_save(
    request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:
    tid = number(str(form.get("template_id") or ""), "template_id", "报告模板")
    code = str(form.get("jurisdiction_code") or "")
    recipients = [int(str(v)) for v in form.getlist("recipients") if str(v).isdigit()]

    def change() -> str:
        current = bulletins.get_template(session, actor, tid) if tid else None
        bulletins.save_template(
            session,
            actor,
            template_id=tid,
            jurisdiction_code=current.jurisdiction_code if current else code,
            kind=str(form.get("kind") or (current.kind if current else "")),
            name=str(form.get("name") or "")[:64],
            opening=str(form.get("opening") or "")[:4000],
            figure_keys=[str(v) for v in form.getlist("figures")],
            recipients=recipients,
        )
        return "/supervision/bulletins"

    return kit.submit(request, session, change, lambda e: _page(request, session, actor, e))


def _kind(kind: Code = "") -> dict[str, str]:
    """The inbox's kind filter, kept across pages."""
    return {"kind": kind}


Kind = Annotated[dict[str, str], Depends(_kind)]
Query = Annotated[ListQuery, Depends(list_query)]
INBOX = "/supervision/inbox"


@router.get(INBOX)
def inbox_page(
    request: Request, session: DbSession, actor: Reader, query: Query, chosen: Kind
) -> HTMLResponse:
    """What the unit (or the office) must do now, the nearest date first, a page at a time."""
    rows = inbox.items_for(session, actor)
    page = work_lists.INBOX.page(rows, query, chosen, path=INBOX)
    return render(request, "supervision/inbox.html", page=page, labels=inbox.KIND_LABELS)


@router.get(INBOX + ".xlsx")
def inbox_export(session: DbSession, actor: Reader, query: Query, chosen: Kind) -> Response:
    """The inbox as the list shows it under the same filter and search, as .xlsx."""
    rows = inbox.items_for(session, actor)
    return work_lists.INBOX.export(rows, query, chosen, on=today_cn())


def _content_page(
    request: Request, session: Session, actor: Actor, exc: kit.PageError | None = None
) -> HTMLResponse:
    rows = [views.public_item_read(i) for i in publicity.items_for(session, actor)]
    return page(
        request,
        "supervision/public_content.html",
        exc,
        rows=rows,
        kinds=choices(PublicKind),
        today=today_cn(),
    )


@router.get("/supervision/public-content")
def content_page(request: Request, session: DbSession, actor: Writer) -> HTMLResponse:
    return _content_page(request, session, actor)


@router.post("/supervision/public-content")
def content_create(
    request: Request, session: DbSession, actor: Writer, form: kit.Posted
) -> Response:

    def change() -> str:
        publicity.publish(
            session,
            actor,
            jurisdiction_code=actor.jurisdiction_code,
            kind=str(form.get("kind") or ""),
            title=str(form.get("title") or "")[:128],
            body=str(form.get("body") or "")[:20000],
        )
        return "/supervision/public-content"

    return kit.submit(request, session, change, lambda e: _content_page(request, session, actor, e))


@router.post("/supervision/public-content/{item_id}/withdraw")
def content_withdraw(item_id: Id, request: Request, session: DbSession, actor: Writer) -> Response:
    def change() -> str:
        publicity.withdraw(session, actor, item_id)
        return "/supervision/public-content"

    return kit.submit(request, session, change, lambda e: _content_page(request, session, actor, e))
