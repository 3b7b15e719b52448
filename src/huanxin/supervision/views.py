"""Answers of the supervision API (``schemas``) built from what the services return: plans and
their unit matches, ledger rows, reports, checkpoints, reminders, indicators, briefings.
The working mechanism's answers are in ``mechanism_views``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.supervision import indicators
from huanxin.supervision.models import (
    Attachment,
    Briefing,
    Checkpoint,
    Department,
    Indicator,
    Plan,
    Report,
    Task,
)
from huanxin.supervision.schemas import (
    AttachmentRead,
    BriefingLinks,
    BriefingRead,
    CheckpointBrief,
    CheckpointRead,
    ClosingRead,
    DepartmentRead,
    IndicatorRead,
    IndicatorValueRead,
    PlanConfirmed,
    PlanRead,
    PlanSummary,
    ReminderRead,
    ReportRead,
    TaskDetail,
    TaskRead,
    UnitMatchRead,
)
from huanxin.supervision.service import briefings, checkpoints, ledger, plans, reports
from huanxin.supervision.service.common import aliases_of

PREFIX = "/api/v1/supervision"


def department_read(dept: Department) -> DepartmentRead:
    return DepartmentRead(
        id=dept.id,
        jurisdiction_code=dept.jurisdiction_code,
        name=dept.name,
        aliases=aliases_of(dept),
        org_id=dept.org_id,
    )


def plan_summary(plan: Plan) -> PlanSummary:
    return PlanSummary.model_validate(plan, from_attributes=True)


def plan_read(session: Session, plan: Plan) -> PlanRead:
    data = plans.parsed(plan)
    matches = [
        UnitMatchRead.model_validate(m, from_attributes=True) for m in plans.matches(session, plan)
    ]
    return PlanRead(
        id=plan.id,
        jurisdiction_code=plan.jurisdiction_code,
        title=plan.title,
        issuer=plan.issuer,
        doc_number=plan.doc_number,
        date=plan.doc_date,
        source_file=plan.source_file,
        file_format=plan.file_format,
        file_size=plan.file_size,
        sha256=plan.sha256,
        status=plan.status,
        tasks=data["tasks"],
        appendix_tasks=data["appendix_tasks"],
        targets=data["targets"],
        milestones=data["milestones"],
        unplaced=data["unplaced"],
        matches=matches,
    )


def plan_confirmed(done: plans.Confirmed) -> PlanConfirmed:
    return PlanConfirmed(
        plan_id=done.plan.id,
        tasks=done.tasks,
        indicators=done.indicators,
        checkpoints=done.checkpoints,
        created_departments=done.created_departments,
    )


def _task_fields(row: ledger.TaskRow) -> dict[str, object]:
    t = row.task
    brief = row.next_checkpoint
    return {
        "id": t.id,
        "plan_id": t.plan_id,
        "jurisdiction_code": t.jurisdiction_code,
        "ref": t.ref,
        "source": t.source,
        "title": t.title,
        "lead_units": row.lead,
        "support_units": row.support,
        "shared_responsibility": t.shared_responsibility,
        "yearly_goals": t.yearly_goals,
        "measures": t.measures,
        "deadline": t.deadline,
        "responsible_person": row.person,
        "schedule": t.schedule,
        "closing": t.closing,
        "status": row.status,
        "status_label": row.status_label,
        "latest_percent": row.latest_percent,
        "latest_period": row.latest_period,
        "next_checkpoint": None
        if brief is None
        else CheckpointBrief(id=brief.id, title=brief.title, due=brief.due),
    }


def task_read(row: ledger.TaskRow) -> TaskRead:
    return TaskRead.model_validate({**_task_fields(row), "reports": row.reports})


def task_detail(session: Session, actor: Actor, task: Task) -> TaskDetail:
    row = ledger.rows_for(session, [task])[0]
    listed = checkpoints.list_for(session, actor, task_id=task.id)
    return TaskDetail.model_validate(
        {
            **_task_fields(row),
            "reports": [report_read(r, n, a) for r, n, a in reports.reports_of(session, task)],
            "close_evidence": task.close_evidence,
            "checkpoints": [checkpoint_read(c) for c in listed],
        }
    )


def closing_read(task: Task) -> ClosingRead:
    return ClosingRead(task_id=task.id, closing=task.closing)


def report_read(report: Report, dept_name: str, files: list[Attachment]) -> ReportRead:
    return ReportRead(
        id=report.id,
        task_id=report.task_id,
        department=dept_name,
        period=report.period,
        percent=report.percent,
        text=report.text,
        figures=report.figures,
        reported_on=report.reported_on,
        attachments=[AttachmentRead.model_validate(a, from_attributes=True) for a in files],
    )


def checkpoint_read(row: Checkpoint) -> CheckpointRead:
    state = checkpoints.state_of(row, today_cn())
    return CheckpointRead(
        id=row.id,
        plan_id=row.plan_id,
        task_id=row.task_id,
        title=row.title,
        year=row.year,
        due=row.due.isoformat(),
        quote=row.quote,
        state=state,
        state_label=checkpoints.STATE_LABELS[state],
        done_on=row.done_on.isoformat() if row.done_on else None,
        done_note=row.done_note,
    )


def reminder_read(r: ledger.Reminder) -> ReminderRead:
    return ReminderRead(
        task_id=r.task_id,
        ref=r.ref,
        title=r.title,
        kind=r.kind,
        message=r.message,
        due=r.due,
        label=ledger.REMINDER_LABELS[r.kind],
    )


def indicator_read(session: Session, row: Indicator) -> IndicatorRead:
    values = indicators.values_of(session, row.id)
    p = indicators.progress(row, values, current_year=today_cn().year)
    return IndicatorRead(
        id=row.id,
        plan_id=row.plan_id,
        name=row.name,
        kind=row.kind,
        unit=row.unit,
        target_value=row.target_value,
        target_year=row.target_year,
        baseline_year=row.baseline_year,
        baseline_value=row.baseline_value,
        department_id=row.department_id,
        computed_key=row.computed_key,
        source_label=indicators.source_label(row),
        actual_unit=indicators.actual_unit(row),
        target_level=p.target_level,
        latest_year=p.latest_year,
        latest_value=p.latest_value,
        progress_percent=p.percent,
        forecast=p.forecast,
        on_course=p.on_course,
        values=[IndicatorValueRead.model_validate(v, from_attributes=True) for v in values],
    )


def briefing_links(row: Briefing) -> BriefingLinks:
    """The .docx link, and the PDF link only where LibreOffice is installed."""
    base = f"{PREFIX}/briefings/{row.id}"
    pdf = f"{base}.pdf" if briefings.office_binary() else None
    return BriefingLinks(id=row.id, issue_no=row.issue_no, docx=f"{base}.docx", pdf=pdf)


def briefing_read(row: Briefing) -> BriefingRead:
    return BriefingRead(
        **briefing_links(row).model_dump(),
        jurisdiction_code=row.jurisdiction_code,
        period_start=row.period_start,
        period_end=row.period_end,
        issued_on=row.issued_on,
    )
