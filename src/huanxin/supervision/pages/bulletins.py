"""Pages of the recurring reports: the templates the office adjusts, generating a report,
the reports made (with their kept figures, .docx and PDF) and, for a unit, those delivered
to it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Id
from huanxin.core.clock import today_cn
from huanxin.supervision import figures
from huanxin.supervision import mechanism_views as views
from huanxin.supervision.pages.kit import Reader, Writer, day, number, page
from huanxin.supervision.service import bulletins, departments, inbox, publicity
from huanxin.supervision.vocab import PublicKind, ReportKind, choices
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
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
async def bulletin_create(request: Request, session: DbSession, actor: Writer) -> Response:
    form = await request.form()

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
async def template_save(request: Request, session: DbSession, actor: Writer) -> Response:
    form = await request.form()
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


@router.get("/supervision/inbox")
def inbox_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return render(
        request,
        "supervision/inbox.html",
        items=inbox.items_for(session, actor),
        labels=inbox.KIND_LABELS,
    )


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
async def content_create(request: Request, session: DbSession, actor: Writer) -> Response:
    form = await request.form()

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
