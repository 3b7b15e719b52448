"""Pages of the task ledger: the list, a task with its reports and closing, reminders, the
indicator dashboard, and briefings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Name, Text
from huanxin.core.clock import today_cn
from huanxin.core.errors import InvalidInput, PermissionDenied
from huanxin.supervision import charts, computed, indicators
from huanxin.supervision.pages import record_lists, task_list, work_lists
from huanxin.supervision.pages.kit import Reader, Writer
from huanxin.supervision.service import (
    briefings,
    checkpoints,
    departments,
    files,
    ledger,
    reports,
)
from huanxin.supervision.service.common import actor_department
from huanxin.supervision.vocab import SCHEDULE_LABELS, STATUS_LABELS, period_of
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit import downloads
from huanxin.web.kit import forms as kit
from huanxin.web.kit import uploads as kit_uploads
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of, xlsx
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reporter = Annotated[Actor, Depends(page_require("supervision:report"))]
Files = Annotated[list[UploadFile] | None, File()]
Query = Annotated[ListQuery, Depends(list_query)]
REMINDERS = "/supervision/reminders"
BRIEFINGS = "/supervision/briefings"


def _chosen(status: str | None, plan_id: int | None) -> dict[str, str]:
    """The status filter (opening on the tasks not done) and the plan, kept across pages."""
    chosen = {"status": task_list.OPEN if status is None else status}
    return chosen | ({"plan_id": str(plan_id)} if plan_id else {})


@router.get("/supervision/tasks")
def tasks_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    query: Query,
    plan_id: Id | None = None,
    status: Code | None = None,
) -> HTMLResponse:
    """The task ledger a page at a time, opening on the tasks not yet done."""
    rows = ledger.list_rows(session, actor, plan_id=plan_id)
    page = task_list.page(rows, query, _chosen(status, plan_id), "/supervision/tasks")
    return render(
        request,
        "supervision/tasks.html",
        page=page,
        rows=page.rows,
        counts=Counter(r.status for r in rows),
        labels=STATUS_LABELS,
        plan_id=plan_id,
        dept=actor_department(session, actor),
    )


@router.get("/supervision/tasks.xlsx")
def tasks_export(
    session: DbSession,
    actor: Reader,
    query: Query,
    plan_id: Id | None = None,
    status: Code | None = None,
) -> Response:
    """The tasks the list shows under the same filter and search, every page, as .xlsx."""
    rows = task_list.filtered(
        ledger.list_rows(session, actor, plan_id=plan_id), query, _chosen(status, plan_id)
    )
    name = f"{task_list.SPEC.title}-{today_cn().isoformat()}.xlsx"
    return downloads.download(xlsx(task_list.SPEC, rows), name, downloads.XLSX)


def _task_context(session: Session, actor: Actor, task_id: int) -> dict[str, Any]:
    task = ledger.get_task(session, actor, task_id)
    dept = actor_department(session, actor)
    mine = dept is not None and dept.id in ledger.department_ids(session, task.id)
    return {
        "row": ledger.rows_for(session, [task])[0],
        "task": task,
        "reports": reports.reports_of(session, task),
        "mine": mine,
        "evidence": reports.attachments(session, task.id, None),
        "schedules": SCHEDULE_LABELS,
        "period": period_of(today_cn(), task.schedule),
        "lead": dept is not None and dept.id in ledger.department_ids(session, task.id, "lead"),
        "checkpoints": checkpoints.list_for(session, actor, task_id=task.id),
        "checkpoint_state": checkpoints.state_of,
        "today": today_cn(),
        "checkpoint_labels": checkpoints.STATE_LABELS,
    }


def _task_page(
    request: Request,
    session: Session,
    actor: Actor,
    task_id: int,
    error: kit.PageError | None = None,
) -> HTMLResponse:
    return render(
        request,
        "supervision/task.html",
        status_code=error.status if error else 200,
        error=error.message if error else None,
        **_task_context(session, actor, task_id),
    )


def _back(task_id: int) -> str:
    return f"/supervision/tasks/{task_id}"


@router.get("/supervision/tasks/{task_id}")
def task_page(task_id: Id, request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    return _task_page(request, session, actor, task_id)


@router.post("/supervision/tasks/{task_id}")
def task_update(
    task_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    yearly_goals: Annotated[Text, Form()] = "",
    measures: Annotated[Text, Form()] = "",
    deadline: Annotated[Code, Form()] = "",
    responsible_person: Annotated[Name, Form()] = "",
    schedule: Annotated[Text, Form()] = "monthly",
) -> Response:
    def change() -> str:
        ledger.update_task(
            session,
            actor,
            task_id,
            yearly_goals=yearly_goals,
            measures=measures,
            deadline=_date(deadline, "deadline"),
            schedule=schedule,
            responsible_person=responsible_person or None,
        )
        return _back(task_id)

    return _on_task(request, session, actor, task_id, change)


def _on_task(
    request: Request, session: Session, actor: Actor, task_id: int, change: Callable[[], str]
) -> Response:
    """Run a change of the task page's forms; a refusal shows the task page again."""
    page = partial(_task_page, request, session, actor, task_id)
    return kit.submit(request, session, change, page)


def _date(text: str, field: str) -> date | None:
    found: date | None = kit.value(kit.OptionalDay, text, field)
    return found


def _uploads(items: list[UploadFile] | None) -> list[files.Upload]:
    return [
        files.Upload(f.filename or "", kit_uploads.content(f)) for f in items or [] if f.filename
    ]


@router.post("/supervision/tasks/{task_id}/reports")
def report_create(
    task_id: Id,
    request: Request,
    session: DbSession,
    actor: Reporter,
    period: Annotated[Code, Form()] = "",
    percent: Annotated[Code, Form()] = "",
    text: Annotated[Text, Form()] = "",
    figures: Annotated[Text, Form()] = "",
    attachments: Files = None,
) -> Response:
    uploads = _uploads(attachments)

    def change() -> str:
        if not percent.strip().isdigit():
            raise InvalidInput("完成进度应为0到100的整数", field="percent")
        reports.file_report(
            session,
            actor,
            task_id,
            period=period.strip(),
            percent=int(percent),
            text=text,
            figures=figures,
            uploads=uploads,
        )
        return _back(task_id)

    return _on_task(request, session, actor, task_id, change)


@router.post("/supervision/tasks/{task_id}/close-request")
def close_request(
    task_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    evidence: Annotated[Text, Form()] = "",
    attachments: Files = None,
) -> Response:
    uploads = _uploads(attachments)

    def change() -> str:
        reports.request_close(session, actor, task_id, evidence=evidence, uploads=uploads)
        return _back(task_id)

    return _on_task(request, session, actor, task_id, change)


@router.post("/supervision/tasks/{task_id}/close-decision")
def close_decision(
    task_id: Id,
    request: Request,
    session: DbSession,
    actor: Writer,
    decision: Annotated[Code, Form()] = "",
    note: Annotated[Text, Form()] = "",
) -> Response:
    def change() -> str:
        reports.decide_close(session, actor, task_id, approve=decision == "approve", note=note)
        return _back(task_id)

    return _on_task(request, session, actor, task_id, change)


def _reminder_filters(kind: Code = "", days: Code = "") -> dict[str, str]:
    """The reminders' kind and how many days ahead they look: 30 unless chosen, a year
    for 全部."""
    days = "366" if days == "all" else days
    return {"kind": kind, "days": days if days in work_lists.DAYS else work_lists.OPENING_DAYS}


ReminderFilters = Annotated[dict[str, str], Depends(_reminder_filters)]


@router.get(REMINDERS)
def reminders_page(
    request: Request, session: DbSession, actor: Reader, query: Query, chosen: ReminderFilters
) -> HTMLResponse:
    """What is due within the chosen days or overdue, the nearest first, a page at a time."""
    rows = ledger.reminders(session, actor, days=work_lists.days_of(chosen))
    page = work_lists.REMINDERS.page(rows, query, chosen, path=REMINDERS)
    return render(request, "supervision/reminders.html", page=page, labels=ledger.REMINDER_LABELS)


@router.get(REMINDERS + ".xlsx")
def reminders_export(
    session: DbSession, actor: Reader, query: Query, chosen: ReminderFilters
) -> Response:
    """The reminders the list shows under the same filters and search, every page, as .xlsx."""
    rows = ledger.reminders(session, actor, days=work_lists.days_of(chosen))
    return work_lists.REMINDERS.export(rows, query, chosen, on=today_cn())


@router.get("/supervision/indicators")
def dashboard(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    items = []
    for ind in indicators.list_for(session, actor):
        values = indicators.values_of(session, ind.id)
        items.append((ind, indicators.progress(ind, values, current_year=today_cn().year)))
    counts = Counter(r.status for r in ledger.list_rows(session, actor))
    bars = [(i.name, p.percent) for i, p in items if p.percent is not None]
    return render(
        request,
        "supervision/indicators.html",
        items=items,
        kinds=indicators.KIND_LABELS,
        status_svg=_svg(charts.status_chart(dict(counts), STATUS_LABELS)),
        progress_svg=_svg(charts.progress_chart(bars)) if bars else None,
    )


def _svg(data: bytes) -> str:
    text = data.decode("utf-8")
    return text[text.find("<svg") :]


def _indicator_context(session: Session, actor: Actor, indicator_id: int) -> dict[str, Any]:
    ind = indicators.get(session, actor, indicator_id)
    values = indicators.values_of(session, ind.id)
    p = indicators.progress(ind, values, current_year=today_cn().year)
    points = [(v.year, v.value) for v in values]
    if ind.baseline_year and ind.baseline_value is not None:
        points = [(ind.baseline_year, ind.baseline_value), *points]
    target = (ind.target_year, p.target_level) if ind.target_year and p.target_level else None
    forecast = (ind.target_year, p.forecast) if ind.target_year and p.forecast else None
    complete = [pt for pt in points if pt[0] < today_cn().year]
    chart = charts.trend_chart(
        ind.name,
        points,
        target=target,
        forecast=forecast,
        forecast_from=complete[-1] if complete else None,
    )
    dept = actor_department(session, actor)
    return {
        "ind": ind,
        "values": values,
        "p": p,
        "chart": _svg(chart),
        "kinds": indicators.KIND_LABELS,
        "sources": computed.choices(),
        "source_label": indicators.source_label(ind),
        "actual_unit": indicators.actual_unit(ind),
        "may_enter": actor.can("supervision:write")
        or (dept is not None and dept.id == ind.department_id),
        "departments": departments.list_for(session, actor, ind.jurisdiction_code),
    }


@router.get("/supervision/indicators/{indicator_id}")
def indicator_page(
    indicator_id: Id, request: Request, session: DbSession, actor: Reader
) -> HTMLResponse:
    return render(
        request,
        "supervision/indicator.html",
        error=None,
        **_indicator_context(session, actor, indicator_id),
    )


@router.post("/supervision/indicators/{indicator_id}")
def indicator_post(
    indicator_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    action: Annotated[Code, Form()] = "value",
    year: Annotated[Code, Form()] = "",
    value: Annotated[Code, Form()] = "",
    source: Annotated[Code, Form()] = "",
    baseline_value: Annotated[Code, Form()] = "",
    department_id: Annotated[Code, Form()] = "",
    computed_key: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        if action in {"config", "source", "refresh"} and not actor.can("supervision:write"):
            raise PermissionDenied("只有专班办公室可以设置指标")
        if action == "source":
            indicators.set_source(session, actor, indicator_id, computed_key=computed_key or None)
        elif action == "refresh":
            indicators.refresh_one(session, actor, indicator_id)
        elif action == "config":
            indicators.configure(
                session,
                actor,
                indicator_id,
                baseline_value=_number(baseline_value, "baseline_value", True),
                department_id=int(department_id) if department_id.isdigit() else None,
            )
        else:
            if not year.strip().isdigit():
                raise InvalidInput("年份应为4位数字", field="year")
            indicators.record_value(
                session,
                actor,
                indicator_id,
                year=int(year),
                value=_number(value, "value", False) or 0.0,
                source=source,
            )
        return f"/supervision/indicators/{indicator_id}"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _indicator_context(session, actor, indicator_id)
        return render(request, "supervision/indicator.html", error=error, **context)

    return kit.submit(request, session, change, page)


def _number(text: str, field: str, optional: bool) -> float | None:
    if optional and not text.strip():
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise InvalidInput("请输入数字", field=field) from exc


def _place_filter(jurisdiction_code: Code = "") -> dict[str, str]:
    return {"jurisdiction_code": jurisdiction_code}


PlaceFilter = Annotated[dict[str, str], Depends(_place_filter)]


def _places(session: Session, actor: Actor) -> dict[str, str]:
    return {j.code: j.name for j in jurisdictions.list_within(session, actor.scope_codes)}


@router.get(BRIEFINGS)
def briefings_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: PlaceFilter
) -> HTMLResponse:
    """The briefings a page at a time, the newest first; the office issues one here."""
    context = _brief_context(session, actor, query, filters)
    return render(request, "supervision/briefings.html", error=None, **context)


@router.get(BRIEFINGS + ".xlsx")
def briefings_export(
    session: DbSession, actor: Reader, query: Query, filters: PlaceFilter
) -> Response:
    """The briefings the list shows under the same filter and search, as .xlsx."""
    spec, stmt = record_lists.briefings(_places(session, actor)), briefings.readable(actor)
    return export(session, spec, stmt, query, filters=filters, on=today_cn())


def _brief_context(
    session: Session,
    actor: Actor,
    query: ListQuery | None = None,
    filters: dict[str, str] | None = None,
) -> dict[str, Any]:
    places = _places(session, actor)
    page = page_of(
        session,
        record_lists.briefings(places),
        briefings.readable(actor),
        query or ListQuery(),
        path=BRIEFINGS,
        filters=filters or _place_filter(),
    )
    return {
        "page": page,
        "pdf": briefings.office_binary() is not None,
        "no_pdf": briefings.NO_LIBREOFFICE,
        "places": places,
    }


@router.post("/supervision/briefings")
def briefings_create(
    request: Request,
    session: DbSession,
    actor: Writer,
    jurisdiction_code: Annotated[Code, Form()] = "",
    period_start: Annotated[Code, Form()] = "",
    period_end: Annotated[Code, Form()] = "",
) -> Response:
    def change() -> str:
        start, end = _date(period_start, "period_start"), _date(period_end, "period_end")
        if start is None or end is None:
            raise InvalidInput("请填写简报的统计期间", field="period_start")
        briefings.issue(
            session, actor, jurisdiction_code=jurisdiction_code, period_start=start, period_end=end
        )
        return "/supervision/briefings"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _brief_context(session, actor)
        return render(request, "supervision/briefings.html", error=error, **context)

    return kit.submit(request, session, change, page)
