"""Supervision visits (督导调研) by lead units: planned, carried out, their findings recorded
with photos or files. Each finding is a rectification task in the ledger for the unit that
must put it right, with a deadline; it is closed there with evidence (request, then the
office's approval), and the finding reads its state from that task."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import PermissionDenied, Required, UnrelatedReference
from huanxin.supervision.errors import FindingWithoutDeadline
from huanxin.supervision.mechanism_models import Finding, MechanismFile, Visit
from huanxin.supervision.models import Department, Task
from huanxin.supervision.service import assigned, departments, files
from huanxin.supervision.service.common import actor_department, in_scope
from huanxin.supervision.states import VISITS, VisitState


def get(session: Session, actor: Actor, visit_id: int) -> Visit:
    row = session.get(Visit, visit_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "督导调研不存在")


def readable(actor: Actor) -> Select[Visit]:
    """The visits of the actor's scope."""
    return select(Visit).where(Visit.jurisdiction_code.in_(actor.scope_codes))


def list_for(session: Session, actor: Actor) -> list[Visit]:
    stmt = readable(actor).order_by(Visit.planned_on.desc(), Visit.id.desc())
    return list(session.scalars(stmt))


def _unit(session: Session, actor: Actor, code: str, dept_id: int | None, field: str) -> Department:
    dept = session.get(Department, dept_id) if dept_id else None
    if dept is None or dept.jurisdiction_code != code:
        raise UnrelatedReference("所选单位不在本级部门目录中", field=field)
    return departments.get(session, actor, dept.id)


def _may_lead(session: Session, actor: Actor, lead_id: int) -> None:
    """The office, or the lead unit itself."""
    if actor.can("supervision:write"):
        return
    own = actor_department(session, actor)
    if own is None or own.id != lead_id:
        raise PermissionDenied("只有专班办公室或牵头单位可以安排和记录督导调研")


def plan_visit(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    lead_department_id: int | None,
    title: str,
    subject: str,
    planned_on: date,
) -> Visit:
    in_scope(actor, jurisdiction_code)
    lead = _unit(session, actor, jurisdiction_code, lead_department_id, "lead_department_id")
    _may_lead(session, actor, lead.id)
    if not title.strip():
        raise Required("请填写督导调研名称", field="title")
    row = Visit(
        jurisdiction_code=jurisdiction_code,
        lead_department_id=lead.id,
        title=title.strip(),
        subject=subject.strip(),
        planned_on=planned_on,
        state=VisitState.PLANNED,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.visit_planned",
        object_type="sv_visit",
        object_id=row.id,
        after={"lead": lead.id, "planned_on": planned_on},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def carry_out(
    session: Session, actor: Actor, visit_id: int, *, done_on: date | None, summary: str
) -> Visit:
    row = get(session, actor, visit_id)
    _may_lead(session, actor, row.lead_department_id)
    VISITS.check(row.state, VisitState.DONE)
    if not summary.strip():
        raise Required("请填写督导调研情况", field="summary")
    row.state, row.summary, row.done_on = VisitState.DONE, summary.strip(), done_on or today_cn()
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.visit_done",
        object_type="sv_visit",
        object_id=row.id,
        after={"done_on": row.done_on},
        jurisdiction_code=row.jurisdiction_code,
    )
    return row


def add_finding(
    session: Session,
    actor: Actor,
    visit_id: int,
    *,
    text: str,
    department_id: int | None,
    deadline: date | None,
    uploads: list[files.Upload],
) -> Finding:
    """A finding with its photos or files, and the rectification task it makes."""
    row = get(session, actor, visit_id)
    _may_lead(session, actor, row.lead_department_id)
    if row.state == VisitState.CANCELLED:
        VISITS.check(row.state, VisitState.DONE)
    if not text.strip():
        raise Required("请填写发现的问题", field="text")
    if deadline is None:
        raise FindingWithoutDeadline()
    unit = _unit(session, actor, row.jurisdiction_code, department_id, "department_id")
    checked = files.check(uploads)
    number = 1 + len(findings_of(session, row.id))
    task = assigned.new_task(
        session,
        actor,
        code=row.jurisdiction_code,
        source="visit",
        ref=f"督导{row.id}-问题{number}",
        title=f"整改：{text.strip()}",
        department=unit,
        deadline=deadline,
    )
    finding = Finding(
        visit_id=row.id,
        text=text.strip(),
        department_id=unit.id,
        deadline=deadline,
        task_id=task.id,
        created_at=utcnow(),
    )
    session.add(finding)
    session.flush()
    _store(session, checked, finding, row.jurisdiction_code)
    audit.record(
        session,
        actor,
        "supervision.finding_recorded",
        object_type="sv_finding",
        object_id=finding.id,
        after={"task": task.id, "files": len(checked)},
        jurisdiction_code=row.jurisdiction_code,
    )
    return finding


def _store(
    session: Session, checked: list[tuple[files.Upload, str]], finding: Finding, code: str
) -> None:
    for upload, ctype in checked:
        session.add(
            MechanismFile(
                owner="finding",
                owner_id=finding.id,
                jurisdiction_code=code,
                filename=Path(upload.filename).name[:256],
                content_type=ctype,
                size=len(upload.content),
                content=upload.content,
                sha256=hashlib.sha256(upload.content).hexdigest(),
                created_at=utcnow(),
            )
        )
    session.flush()


def findings_of(session: Session, visit_id: int) -> list[Finding]:
    stmt = select(Finding).where(Finding.visit_id == visit_id).order_by(Finding.id)
    return list(session.scalars(stmt))


def finding_files(session: Session, finding_id: int) -> list[MechanismFile]:
    stmt = select(MechanismFile).where(
        MechanismFile.owner == "finding", MechanismFile.owner_id == finding_id
    )
    return list(session.scalars(stmt.order_by(MechanismFile.id)))


def get_file(session: Session, actor: Actor, file_id: int) -> MechanismFile:
    row = session.get(MechanismFile, file_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "文件不存在")


def closing_of(session: Session, finding: Finding) -> str:
    """open | requested | closed: the state of the rectification task's closing."""
    task = session.get(Task, finding.task_id)
    return task.closing if task else "open"


def open_findings(session: Session, code: str) -> list[Finding]:
    stmt = (
        select(Finding)
        .join(Task, Task.id == Finding.task_id)
        .where(Task.jurisdiction_code == code, Task.closing != "closed")
        .order_by(Finding.deadline, Finding.id)
    )
    return list(session.scalars(stmt))
