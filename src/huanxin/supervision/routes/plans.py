"""API of the supervision domain (``/api/v1/supervision/...``): departments, plans and their
review, the task ledger, dated checkpoints, progress reports, closing, reminders, indicators
(with their data source), briefings. Answers are built by ``views``."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from huanxin.core.bounds import Code, Count, Id, Percent, Text
from huanxin.supervision import charts, computed, indicators, views
from huanxin.supervision.errors import PdfUnavailable
from huanxin.supervision.routes.common import (
    DOCX,
    PREFIX,
    XLSX,
    Reader,
    Reporter,
    Writer,
    disposition,
    fingerprint,
    uploads_of,
)
from huanxin.supervision.schemas import (
    AliasesUpdate,
    BriefingCreate,
    BriefingLinks,
    BriefingRead,
    CheckpointAssign,
    CheckpointNote,
    CheckpointRead,
    CloseDecision,
    ClosingRead,
    DepartmentCreate,
    DepartmentRead,
    IndicatorConfig,
    IndicatorRead,
    IndicatorSource,
    IndicatorValueIn,
    PlanConfirm,
    PlanConfirmed,
    PlanRead,
    PlanSummary,
    ReminderRead,
    ReportRead,
    SourceChoice,
    TaskDetail,
    TaskRead,
    TaskUpdate,
)
from huanxin.supervision.service import (
    briefings,
    checkpoints,
    departments,
    files,
    ledger,
    plans,
    reports,
)
from huanxin.supervision.service.common import get_plan, in_scope
from huanxin.supervision.views import checkpoint_read, department_read
from huanxin.supervision.vocab import STATUS_LABELS
from huanxin.web.deps import DbSession
from huanxin.web.idem import idempotent
from huanxin.web.kit import uploads
from huanxin.web.kit.api_lists import Paged
from huanxin.web.openapi import download

router = APIRouter(prefix=PREFIX)


@router.get("/departments")
def list_departments(
    actor: Reader, session: DbSession, paged: Paged, jurisdiction_code: Code | None = None
) -> list[DepartmentRead]:
    return [
        department_read(d)
        for d in paged.slice(departments.list_for(session, actor, jurisdiction_code))
    ]


@router.post("/departments", status_code=201)
@idempotent("supervision.department")
def create_department(body: DepartmentCreate, actor: Writer, session: DbSession) -> DepartmentRead:
    in_scope(actor, body.jurisdiction_code)
    return department_read(departments.create(session, actor, **body.model_dump()))


@router.post("/departments/{dept_id}/aliases")
@idempotent("supervision.aliases.{dept_id}")
def set_aliases(
    dept_id: Id, body: AliasesUpdate, actor: Writer, session: DbSession
) -> DepartmentRead:
    departments.set_aliases(session, actor, dept_id, body.aliases)
    return department_read(departments.get(session, actor, dept_id))


@router.post("/plans", status_code=201)
@idempotent(
    "supervision.plan_import",
    payload=lambda jurisdiction_code, file: {
        "jurisdiction_code": jurisdiction_code,
        "file": fingerprint([file]),
    },
)
def upload_plan(
    actor: Writer,
    session: DbSession,
    jurisdiction_code: Annotated[Code, Form()],
    file: Annotated[UploadFile, File()],
) -> PlanRead:
    upload = files.Upload(file.filename or "", uploads.content(file))
    plan = plans.import_plan(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        filename=upload.filename,
        content=upload.content,
    )
    return views.plan_read(session, plan)


@router.get("/plans")
def list_plans(actor: Reader, session: DbSession, paged: Paged) -> list[PlanSummary]:
    return [views.plan_summary(p) for p in paged.slice(plans.list_plans(session, actor))]


@router.get("/plans/{plan_id}")
def show_plan(plan_id: Id, actor: Reader, session: DbSession) -> PlanRead:
    return views.plan_read(session, get_plan(session, actor, plan_id))


@router.post("/plans/{plan_id}/confirm")
@idempotent("supervision.confirm.{plan_id}")
def confirm_plan(
    plan_id: Id, body: PlanConfirm, actor: Writer, session: DbSession
) -> PlanConfirmed:
    return views.plan_confirmed(plans.confirm(session, actor, plan_id, choices=body.matches))


@router.get("/tasks")
def list_tasks(
    actor: Reader, session: DbSession, paged: Paged, plan_id: Id | None = None
) -> list[TaskRead]:
    return [
        views.task_read(r) for r in paged.slice(ledger.list_rows(session, actor, plan_id=plan_id))
    ]


@router.get("/tasks/{task_id}")
def show_task(task_id: Id, actor: Reader, session: DbSession) -> TaskDetail:
    return views.task_detail(session, actor, ledger.get_task(session, actor, task_id))


@router.get("/checkpoints")
def list_checkpoints(
    actor: Reader, session: DbSession, paged: Paged, plan_id: Id | None = None
) -> list[CheckpointRead]:
    return [
        checkpoint_read(c)
        for c in paged.slice(checkpoints.list_for(session, actor, plan_id=plan_id))
    ]


def _step_payload(checkpoint_id: int, body: BaseModel) -> dict[str, object]:
    return {"id": checkpoint_id, **body.model_dump()}


@router.post("/checkpoints/{checkpoint_id}/done")
@idempotent("supervision.checkpoint_done", payload=_step_payload)
def checkpoint_done(
    checkpoint_id: Id, body: CheckpointNote, actor: Reader, session: DbSession
) -> CheckpointRead:
    """The office or the task's lead department (checked by the service)."""
    return checkpoint_read(checkpoints.mark_done(session, actor, checkpoint_id, note=body.note))


@router.post("/checkpoints/{checkpoint_id}/reopen")
@idempotent("supervision.checkpoint_reopen", payload=_step_payload)
def checkpoint_reopen(
    checkpoint_id: Id, body: CheckpointNote, actor: Writer, session: DbSession
) -> CheckpointRead:
    return checkpoint_read(checkpoints.reopen(session, actor, checkpoint_id, note=body.note))


@router.post("/checkpoints/{checkpoint_id}/assign")
@idempotent("supervision.checkpoint_assign", payload=_step_payload)
def checkpoint_assign(
    checkpoint_id: Id, body: CheckpointAssign, actor: Writer, session: DbSession
) -> CheckpointRead:
    return checkpoint_read(checkpoints.assign(session, actor, checkpoint_id, task_id=body.task_id))


@router.post("/tasks/{task_id}")
@idempotent("supervision.task.{task_id}")
def update_task(task_id: Id, body: TaskUpdate, actor: Writer, session: DbSession) -> TaskRead:
    task = ledger.update_task(session, actor, task_id, **body.model_dump())
    return views.task_read(ledger.rows_for(session, [task])[0])


@router.post("/tasks/{task_id}/reports", status_code=201)
@idempotent(
    "supervision.report",
    payload=lambda task_id, period, percent, text, figures, attachments: {
        "task": task_id,
        "period": period,
        "percent": percent,
        "text": text,
        "figures": figures,
        "files": fingerprint(attachments),
    },
)
def file_report(
    task_id: Id,
    actor: Reporter,
    session: DbSession,
    period: Annotated[Code, Form()],
    percent: Annotated[Percent, Form()],
    text: Annotated[Text, Form()],
    figures: Annotated[Text, Form()] = "",
    attachments: Annotated[list[UploadFile] | None, File()] = None,
) -> ReportRead:
    items = uploads_of(attachments)
    rep = reports.file_report(
        session,
        actor,
        task_id,
        period=period,
        percent=percent,
        text=text,
        figures=figures,
        uploads=items,
    )
    return views.report_read(rep, "", reports.attachments(session, task_id, rep.id))


@router.post("/tasks/{task_id}/close-request")
@idempotent(
    "supervision.close_request",
    payload=lambda task_id, evidence, attachments: {
        "task": task_id,
        "evidence": evidence,
        "files": fingerprint(attachments),
    },
)
def request_close(
    task_id: Id,
    actor: Reader,
    session: DbSession,
    evidence: Annotated[Text, Form()],
    attachments: Annotated[list[UploadFile] | None, File()] = None,
) -> ClosingRead:
    """Lead department or office (checked by the service); needs evidence text and files."""
    items = uploads_of(attachments)
    task = reports.request_close(session, actor, task_id, evidence=evidence, uploads=items)
    return views.closing_read(task)


@router.post("/tasks/{task_id}/close-decision")
@idempotent(
    "supervision.close_decision",
    payload=lambda task_id, body: {"task": task_id, **body.model_dump()},
)
def decide_close(
    task_id: Id, body: CloseDecision, actor: Writer, session: DbSession
) -> ClosingRead:
    return views.closing_read(reports.decide_close(session, actor, task_id, **body.model_dump()))


@router.get("/attachments/{attachment_id}", response_class=Response, responses=download("*/*"))
def download_attachment(attachment_id: Id, actor: Reader, session: DbSession) -> Response:
    row = reports.get_attachment(session, actor, attachment_id)
    return Response(row.content, media_type=row.content_type, headers=disposition(row.filename))


@router.get("/reminders")
def list_reminders(
    actor: Reader, session: DbSession, paged: Paged, days: Count = ledger.REMIND_DAYS
) -> list[ReminderRead]:
    return [
        views.reminder_read(r) for r in paged.slice(ledger.reminders(session, actor, days=days))
    ]


@router.get("/indicators")
def list_indicators(
    actor: Reader, session: DbSession, paged: Paged, plan_id: Id | None = None
) -> list[IndicatorRead]:
    rows = paged.slice(indicators.list_for(session, actor, plan_id=plan_id))
    return [views.indicator_read(session, i) for i in rows]


def _with_id(indicator_id: int, body: BaseModel) -> dict[str, object]:
    return {"id": indicator_id, **body.model_dump()}


@router.post("/indicators/{indicator_id}/config")
@idempotent("supervision.indicator_config", payload=_with_id)
def configure_indicator(
    indicator_id: Id, body: IndicatorConfig, actor: Writer, session: DbSession
) -> IndicatorRead:
    row = indicators.configure(session, actor, indicator_id, **body.model_dump())
    return views.indicator_read(session, row)


@router.post("/indicators/{indicator_id}/source")
@idempotent("supervision.indicator_source", payload=_with_id)
def indicator_source(
    indicator_id: Id, body: IndicatorSource, actor: Writer, session: DbSession
) -> IndicatorRead:
    """Choose the platform source of the actuals (or none), then compute them."""
    row = indicators.set_source(session, actor, indicator_id, computed_key=body.computed_key)
    return views.indicator_read(session, row)


@router.post("/indicators/{indicator_id}/refresh")
@idempotent("supervision.indicator_refresh", payload=lambda indicator_id: {"id": indicator_id})
def indicator_refresh(indicator_id: Id, actor: Writer, session: DbSession) -> IndicatorRead:
    """Recompute the actuals of a sourced indicator from the platform's data."""
    return views.indicator_read(session, indicators.refresh_one(session, actor, indicator_id))


@router.get("/indicator-sources")
def indicator_sources(actor: Reader) -> list[SourceChoice]:
    return [SourceChoice(key=key, label=label) for key, label in computed.choices()]


@router.post("/indicators/{indicator_id}/values")
@idempotent("supervision.indicator_value", payload=_with_id)
def enter_value(
    indicator_id: Id, body: IndicatorValueIn, actor: Reader, session: DbSession
) -> IndicatorRead:
    """The responsible department or the office (checked by the service)."""
    indicators.record_value(session, actor, indicator_id, **body.model_dump())
    return views.indicator_read(session, indicators.get(session, actor, indicator_id))


@router.get("/charts/status.svg", response_class=Response, responses=download("image/svg+xml"))
def status_svg(actor: Reader, session: DbSession) -> Response:
    counts = Counter(r.status for r in ledger.list_rows(session, actor))
    return Response(charts.status_chart(dict(counts), STATUS_LABELS), media_type="image/svg+xml")


@router.post("/briefings", status_code=201)
@idempotent("supervision.briefing")
def issue_briefing(body: BriefingCreate, actor: Writer, session: DbSession) -> BriefingLinks:
    return views.briefing_links(briefings.issue(session, actor, **body.model_dump()))


@router.get("/briefings")
def list_briefings(actor: Reader, session: DbSession, paged: Paged) -> list[BriefingRead]:
    return [views.briefing_read(b) for b in paged.slice(briefings.list_for(session, actor))]


@router.get("/briefings/{briefing_id}.docx", response_class=Response, responses=download(DOCX))
def briefing_docx(briefing_id: Id, actor: Reader, session: DbSession) -> Response:
    row = briefings.get(session, actor, briefing_id)
    name = f"工作信息简报第{row.issue_no}期.docx"
    return Response(row.docx, media_type=DOCX, headers=disposition(name))


@router.get(
    "/briefings/{briefing_id}.pdf", response_class=Response, responses=download("application/pdf")
)
def briefing_pdf(briefing_id: Id, actor: Reader, session: DbSession) -> Response:
    row = briefings.get(session, actor, briefing_id)
    pdf, reason = briefings.to_pdf(row.docx)
    if pdf is None:
        raise PdfUnavailable(reason, field="format")
    name = f"工作信息简报第{row.issue_no}期.pdf"
    return Response(pdf, media_type="application/pdf", headers=disposition(name))


@router.get("/ledger.xlsx", response_class=Response, responses=download(XLSX))
def ledger_xlsx(actor: Reader, session: DbSession) -> Response:
    data = briefings.ledger_xlsx(session, actor)
    return Response(data, media_type=XLSX, headers=disposition("任务台账.xlsx"))
