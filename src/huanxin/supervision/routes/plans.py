"""API of the supervision domain (``/api/v1/supervision/...``): departments, plans and their
review, the task ledger, dated checkpoints, progress reports, closing, reminders, indicators
(with their data source), briefings."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Count, Id, IdempotencyKey, Percent, Text
from huanxin.supervision import charts, computed, indicators
from huanxin.supervision.errors import PdfUnavailable
from huanxin.supervision.models import Checkpoint, Department, Plan
from huanxin.supervision.schemas import (
    AliasesUpdate,
    BriefingCreate,
    CheckpointAssign,
    CheckpointNote,
    CheckpointRead,
    CloseDecision,
    DepartmentCreate,
    DepartmentRead,
    IndicatorConfig,
    IndicatorSource,
    IndicatorValueIn,
    PlanConfirm,
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
from huanxin.supervision.vocab import STATUS_LABELS
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent, respond
from huanxin.web.kit import downloads
from huanxin.web.openapi import download

PREFIX = "/api/v1/supervision"  # the package router's (``routes/__init__``)
router = APIRouter()
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
Reader = Annotated[Actor, Depends(require("supervision:read"))]
Writer = Annotated[Actor, Depends(require("supervision:write"))]
Reporter = Annotated[Actor, Depends(require("supervision:report"))]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def uploads_of(items: list[UploadFile] | None) -> list[files.Upload]:
    return [files.Upload(f.filename or "", await f.read()) for f in items or []]


def _fingerprint(items: list[files.Upload]) -> list[str]:
    return [f"{u.filename}:{hashlib.sha256(u.content).hexdigest()}" for u in items]


def department_read(dept: Department) -> DepartmentRead:
    return DepartmentRead.model_validate(departments.as_dict(dept))


@router.get("/departments")
def list_departments(
    actor: Reader, session: DbSession, jurisdiction_code: Code | None = None
) -> list[DepartmentRead]:
    return [department_read(d) for d in departments.list_for(session, actor, jurisdiction_code)]


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


def _plan_body(session: Session, plan: Plan) -> dict[str, object]:
    body = plans.as_dict(plan)
    body["matches"] = [plans.match_dict(m) for m in plans.matches(session, plan)]
    return body


@router.post("/plans", status_code=201)
async def upload_plan(
    actor: Writer,
    session: DbSession,
    jurisdiction_code: Annotated[Code, Form()],
    file: Annotated[UploadFile, File()],
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    upload = files.Upload(file.filename or "", await file.read())

    def action() -> tuple[int, object]:
        plan = plans.import_plan(
            session,
            actor,
            jurisdiction_code=jurisdiction_code,
            filename=upload.filename,
            content=upload.content,
        )
        return 201, _plan_body(session, plan)

    payload = {"jurisdiction_code": jurisdiction_code, "file": _fingerprint([upload])}
    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.plan_import",
        payload=payload,
        action=action,
    )


@router.get("/plans")
def list_plans(actor: Reader, session: DbSession) -> list[dict[str, object]]:
    return [
        {
            "id": p.id,
            "title": p.title,
            "jurisdiction_code": p.jurisdiction_code,
            "status": p.status,
            "source_file": p.source_file,
        }
        for p in plans.list_plans(session, actor)
    ]


@router.get("/plans/{plan_id}")
def show_plan(plan_id: Id, actor: Reader, session: DbSession) -> dict[str, object]:
    return _plan_body(session, get_plan(session, actor, plan_id))


@router.post("/plans/{plan_id}/confirm")
def confirm_plan(
    plan_id: Id,
    body: PlanConfirm,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        done = plans.confirm(session, actor, plan_id, choices=body.matches)
        return 200, {
            "plan_id": plan_id,
            "tasks": done.tasks,
            "indicators": done.indicators,
            "checkpoints": done.checkpoints,
            "created_departments": done.created_departments,
        }

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope=f"supervision.confirm.{plan_id}",
        payload=body.model_dump(),
        action=action,
    )


@router.get("/tasks")
def list_tasks(
    actor: Reader, session: DbSession, plan_id: Id | None = None
) -> list[dict[str, object]]:
    return [r.as_dict() for r in ledger.list_rows(session, actor, plan_id=plan_id)]


@router.get("/tasks/{task_id}")
def show_task(task_id: Id, actor: Reader, session: DbSession) -> dict[str, object]:
    task = ledger.get_task(session, actor, task_id)
    body = ledger.rows_for(session, [task])[0].as_dict()
    body["reports"] = [
        reports.report_dict(r, n, a) for r, n, a in reports.reports_of(session, task)
    ]
    body["close_evidence"] = task.close_evidence
    body["checkpoints"] = [
        checkpoints.as_dict(c) for c in checkpoints.list_for(session, actor, task_id=task.id)
    ]
    return body


def checkpoint_read(row: Checkpoint) -> CheckpointRead:
    return CheckpointRead.model_validate(checkpoints.as_dict(row))


@router.get("/checkpoints")
def list_checkpoints(
    actor: Reader, session: DbSession, plan_id: Id | None = None
) -> list[CheckpointRead]:
    return [checkpoint_read(c) for c in checkpoints.list_for(session, actor, plan_id=plan_id)]


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
def update_task(
    task_id: Id,
    body: TaskUpdate,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        task = ledger.update_task(session, actor, task_id, **body.model_dump())
        return 200, ledger.rows_for(session, [task])[0].as_dict()

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope=f"supervision.task.{task_id}",
        payload=body.model_dump(mode="json"),
        action=action,
    )


@router.post("/tasks/{task_id}/reports", status_code=201)
async def file_report(
    task_id: Id,
    actor: Reporter,
    session: DbSession,
    period: Annotated[Code, Form()],
    percent: Annotated[Percent, Form()],
    text: Annotated[Text, Form()],
    figures: Annotated[Text, Form()] = "",
    attachments: Annotated[list[UploadFile] | None, File()] = None,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    items = await uploads_of(attachments)

    def action() -> tuple[int, object]:
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
        stored = reports.attachments(session, task_id, rep.id)
        return 201, reports.report_dict(rep, "", stored)

    payload = {
        "task": task_id,
        "period": period,
        "percent": percent,
        "text": text,
        "figures": figures,
        "files": _fingerprint(items),
    }
    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.report",
        payload=payload,
        action=action,
    )


@router.post("/tasks/{task_id}/close-request")
async def request_close(
    task_id: Id,
    actor: Reader,
    session: DbSession,
    evidence: Annotated[Text, Form()],
    attachments: Annotated[list[UploadFile] | None, File()] = None,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """Lead department or office (checked by the service); needs evidence text and files."""
    items = await uploads_of(attachments)

    def action() -> tuple[int, object]:
        task = reports.request_close(session, actor, task_id, evidence=evidence, uploads=items)
        return 200, {"task_id": task.id, "closing": task.closing}

    payload = {"task": task_id, "evidence": evidence, "files": _fingerprint(items)}
    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.close_request",
        payload=payload,
        action=action,
    )


@router.post("/tasks/{task_id}/close-decision")
def decide_close(
    task_id: Id,
    body: CloseDecision,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        task = reports.decide_close(session, actor, task_id, **body.model_dump())
        return 200, {"task_id": task.id, "closing": task.closing}

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.close_decision",
        payload={"task": task_id, **body.model_dump()},
        action=action,
    )


@router.get("/attachments/{attachment_id}", response_class=Response, responses=download("*/*"))
def download_attachment(attachment_id: Id, actor: Reader, session: DbSession) -> Response:
    row = reports.get_attachment(session, actor, attachment_id)
    return Response(row.content, media_type=row.content_type, headers=_disposition(row.filename))


def _disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": downloads.disposition(name)}


@router.get("/reminders")
def list_reminders(
    actor: Reader, session: DbSession, days: Count = ledger.REMIND_DAYS
) -> list[dict[str, object]]:
    return [
        {
            **r.__dict__,
            "due": r.due.isoformat() if r.due else None,
            "label": ledger.REMINDER_LABELS[r.kind],
        }
        for r in ledger.reminders(session, actor, days=days)
    ]


@router.get("/indicators")
def list_indicators(
    actor: Reader, session: DbSession, plan_id: Id | None = None
) -> list[dict[str, object]]:
    rows = indicators.list_for(session, actor, plan_id=plan_id)
    return [indicators.as_dict(i, indicators.values_of(session, i.id)) for i in rows]


@router.post("/indicators/{indicator_id}/config")
def configure_indicator(
    indicator_id: Id,
    body: IndicatorConfig,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    def action() -> tuple[int, object]:
        row = indicators.configure(session, actor, indicator_id, **body.model_dump())
        return 200, indicators.as_dict(row, indicators.values_of(session, row.id))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.indicator_config",
        payload={"id": indicator_id, **body.model_dump()},
        action=action,
    )


@router.post("/indicators/{indicator_id}/source")
def indicator_source(
    indicator_id: Id,
    body: IndicatorSource,
    actor: Writer,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """Choose the platform source of the actuals (or none), then compute them."""

    def action() -> tuple[int, object]:
        row = indicators.set_source(session, actor, indicator_id, computed_key=body.computed_key)
        return 200, indicators.as_dict(row, indicators.values_of(session, row.id))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.indicator_source",
        payload={"id": indicator_id, **body.model_dump()},
        action=action,
    )


@router.post("/indicators/{indicator_id}/refresh")
def indicator_refresh(
    indicator_id: Id, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    """Recompute the actuals of a sourced indicator from the platform's data."""

    def action() -> tuple[int, object]:
        row = indicators.refresh_one(session, actor, indicator_id)
        return 200, indicators.as_dict(row, indicators.values_of(session, row.id))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.indicator_refresh",
        payload={"id": indicator_id},
        action=action,
    )


@router.get("/indicator-sources")
def indicator_sources(actor: Reader) -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in computed.choices()]


@router.post("/indicators/{indicator_id}/values")
def enter_value(
    indicator_id: Id,
    body: IndicatorValueIn,
    actor: Reader,
    session: DbSession,
    idempotency_key: IdemKey = None,
) -> JSONResponse:
    """The responsible department or the office (checked by the service)."""

    def action() -> tuple[int, object]:
        indicators.record_value(session, actor, indicator_id, **body.model_dump())
        row = indicators.get(session, actor, indicator_id)
        return 200, indicators.as_dict(row, indicators.values_of(session, row.id))

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.indicator_value",
        payload={"id": indicator_id, **body.model_dump()},
        action=action,
    )


@router.get("/charts/status.svg", response_class=Response, responses=download("image/svg+xml"))
def status_svg(actor: Reader, session: DbSession) -> Response:
    counts = Counter(r.status for r in ledger.list_rows(session, actor))
    return Response(charts.status_chart(dict(counts), STATUS_LABELS), media_type="image/svg+xml")


@router.post("/briefings", status_code=201)
def issue_briefing(
    body: BriefingCreate, actor: Writer, session: DbSession, idempotency_key: IdemKey = None
) -> JSONResponse:
    def action() -> tuple[int, object]:
        row = briefings.issue(session, actor, **body.model_dump())
        return 201, _briefing_links(row.id, row.issue_no)

    return respond(
        session,
        actor,
        key=idempotency_key,
        scope="supervision.briefing",
        payload=body.model_dump(mode="json"),
        action=action,
    )


def _briefing_links(briefing_id: int, issue_no: int) -> dict[str, object]:
    """The .docx link, and the PDF link only where LibreOffice is installed."""
    base = f"{PREFIX}/briefings/{briefing_id}"
    pdf = f"{base}.pdf" if briefings.office_binary() else None
    return {"id": briefing_id, "issue_no": issue_no, "docx": f"{base}.docx", "pdf": pdf}


@router.get("/briefings")
def list_briefings(actor: Reader, session: DbSession) -> list[dict[str, object]]:
    return [
        {
            **_briefing_links(b.id, b.issue_no),
            "jurisdiction_code": b.jurisdiction_code,
            "period_start": b.period_start.isoformat(),
            "period_end": b.period_end.isoformat(),
            "issued_on": b.issued_on.isoformat(),
        }
        for b in briefings.list_for(session, actor)
    ]


@router.get("/briefings/{briefing_id}.docx", response_class=Response, responses=download(DOCX))
def briefing_docx(briefing_id: Id, actor: Reader, session: DbSession) -> Response:
    row = briefings.get(session, actor, briefing_id)
    name = f"工作信息简报第{row.issue_no}期.docx"
    return Response(row.docx, media_type=DOCX, headers=_disposition(name))


@router.get(
    "/briefings/{briefing_id}.pdf", response_class=Response, responses=download("application/pdf")
)
def briefing_pdf(briefing_id: Id, actor: Reader, session: DbSession) -> Response:
    row = briefings.get(session, actor, briefing_id)
    pdf, reason = briefings.to_pdf(row.docx)
    if pdf is None:
        raise PdfUnavailable(reason, field="format")
    name = f"工作信息简报第{row.issue_no}期.pdf"
    return Response(pdf, media_type="application/pdf", headers=_disposition(name))


@router.get("/ledger.xlsx", response_class=Response, responses=download(XLSX))
def ledger_xlsx(actor: Reader, session: DbSession) -> Response:
    data = briefings.ledger_xlsx(session, actor)
    return Response(data, media_type=XLSX, headers=_disposition("任务台账.xlsx"))
