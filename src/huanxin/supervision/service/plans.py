"""Plans: upload and import (``planparse``), unit-to-department proposals, the office's review,
and the confirmation that creates the task ledger and the indicators."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, defer

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import utcnow
from huanxin.core.errors import MalformedFile, OutOfRange, UnrelatedReference
from huanxin.supervision import indicators, matching
from huanxin.supervision.errors import (
    PlanAlreadyConfirmed,
    PlanAlreadyImported,
    UnitsUnresolved,
    UnsupportedFormat,
)
from huanxin.supervision.models import Department, Plan, Task, TaskUnit, UnitMatch
from huanxin.supervision.planparse import parse_plan
from huanxin.supervision.service import checkpoints, departments
from huanxin.supervision.service.common import get_plan, in_scope, place_words
from huanxin.supervision.states import PLANS, PlanStatus

FORMATS = (".txt", ".docx", ".pdf")
MAX_PLAN_BYTES = 20 * 1024 * 1024
NEW = "new"


def parsed(plan: Plan) -> dict[str, Any]:
    data = json.loads(plan.parsed)
    assert isinstance(data, dict)
    return data


def read_upload(filename: str, content: bytes) -> dict[str, Any]:
    """Parse uploaded bytes (the importer reads from a path, so they go to a temp file)."""
    name = Path(filename or "plan").name
    if Path(name).suffix.lower() not in FORMATS:
        raise UnsupportedFormat(name)
    if not content:
        raise MalformedFile("上传的文件为空", field="file")
    if len(content) > MAX_PLAN_BYTES:
        raise OutOfRange("文件超过20MB，无法导入", field="file")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        return parse_plan(path)


def import_plan(
    session: Session, actor: Actor, *, jurisdiction_code: str, filename: str, content: bytes
) -> Plan:
    """Store the plan and propose a department for every unit; nothing is stored on failure.

    A file whose content was already imported for the jurisdiction is refused with a link to
    that plan, so a second upload never doubles the task ledger."""
    in_scope(actor, jurisdiction_code)
    refuse_duplicate(session, jurisdiction_code, hashlib.sha256(content).hexdigest())
    data = read_upload(filename, content)
    doc = data["document"]
    plan = Plan(
        jurisdiction_code=jurisdiction_code,
        title=(doc.get("title") or filename)[:256],
        issuer=doc.get("issuer"),
        doc_number=doc.get("doc_number"),
        doc_date=doc.get("date"),
        source_file=Path(filename).name[:256],
        file_format=Path(filename).suffix.lower().lstrip("."),
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        parsed=json.dumps(data, ensure_ascii=False),
        status=PlanStatus.REVIEW.value,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(plan)
    session.flush()
    propose(session, plan)
    audit.record(
        session,
        actor,
        "supervision.plan_imported",
        object_type="sv_plan",
        object_id=plan.id,
        after={"title": plan.title, "sha256": plan.sha256, "tasks": len(data["tasks"])},
        jurisdiction_code=jurisdiction_code,
    )
    return plan


def refuse_duplicate(session: Session, jurisdiction_code: str, digest: str) -> None:
    stmt = select(Plan).where(Plan.jurisdiction_code == jurisdiction_code, Plan.sha256 == digest)
    existing = session.scalars(stmt.order_by(Plan.id)).first()
    if existing is not None:
        day = f"{existing.created_at:%Y年%m月%d日}" if existing.created_at else "此前"
        raise PlanAlreadyImported(existing.id, existing.title, day)


def unit_names(data: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for task in data["tasks"] + data["appendix_tasks"]:
        for unit in task["lead_units"] + task["support_units"]:
            seen.setdefault(unit, None)
    return list(seen)


def propose(session: Session, plan: Plan) -> None:
    pool = departments.candidates(session, plan.jurisdiction_code)
    place, word = place_words(session, plan.jurisdiction_code)
    for unit in unit_names(parsed(plan)):
        found = matching.match(unit, pool, place=place, level_word=word)
        session.add(
            UnitMatch(
                plan_id=plan.id,
                unit_name=unit[:128],
                score=found.score,
                department_id=found.department_id,
                method=found.method,
            )
        )
    session.flush()


def matches(session: Session, plan: Plan) -> list[UnitMatch]:
    stmt = select(UnitMatch).where(UnitMatch.plan_id == plan.id).order_by(UnitMatch.id)
    return list(session.scalars(stmt))


def readable(actor: Actor) -> Select[Plan]:
    """The plans of the actor's scope (without their parsed text, read when opened)."""
    stmt = select(Plan).where(Plan.jurisdiction_code.in_(actor.scope_codes))
    return stmt.options(defer(Plan.parsed))


def list_plans(session: Session, actor: Actor) -> list[Plan]:
    stmt = select(Plan).where(Plan.jurisdiction_code.in_(actor.scope_codes))
    return list(session.scalars(stmt.order_by(Plan.id.desc())))


@dataclass(frozen=True)
class Confirmed:
    plan: Plan
    tasks: int
    indicators: int
    created_departments: list[str]
    checkpoints: int = 0


def confirm(session: Session, actor: Actor, plan_id: int, *, choices: dict[str, str]) -> Confirmed:
    """Apply the office's choices (unit → department id or "new"), then build the ledger.

    A unit left out of ``choices`` keeps its proposal; a unit with neither is refused."""
    plan = get_plan(session, actor, plan_id)
    if not PLANS.allows(plan.status, PlanStatus.CONFIRMED):
        raise PlanAlreadyConfirmed()
    rows = matches(session, plan)
    _check_choices(session, plan, rows, choices)
    created = _apply(session, actor, plan, rows, choices)
    by_unit = {m.unit_name: m.department_id for m in rows}
    placed = _build_tasks(session, plan, by_unit)
    data = parsed(plan)
    dated = checkpoints.create_from_plan(session, plan, data["milestones"], placed)
    count = indicators.create_from_plan(
        session, actor, plan, data["targets"], lead_of=_lead_resolver(session, placed)
    )
    plan.status, plan.confirmed_at = PlanStatus.CONFIRMED.value, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.plan_confirmed",
        object_type="sv_plan",
        object_id=plan.id,
        after={
            "matches": {m.unit_name: m.department_id for m in rows},
            "tasks": len(placed),
            "indicators": count,
            "checkpoints": dated,
        },
        jurisdiction_code=plan.jurisdiction_code,
    )
    return Confirmed(plan, len(placed), count, created, dated)


def _check_choices(
    session: Session, plan: Plan, rows: list[UnitMatch], choices: dict[str, str]
) -> None:
    known = {m.unit_name for m in rows}
    unknown = sorted(set(choices) - known)
    if unknown:
        raise UnrelatedReference(f"单位“{unknown[0]}”不在该方案中", field="matches")
    missing = []
    for m in rows:
        choice = str(choices.get(m.unit_name, "")).strip()
        if choice == NEW:
            continue
        if choice:
            _department_of(session, plan, choice)
        elif m.department_id is None:
            missing.append(m.unit_name)
    if missing:
        raise UnitsUnresolved(missing)


def _department_of(session: Session, plan: Plan, choice: str) -> Department:
    dept = session.get(Department, int(choice)) if choice.isdigit() else None
    if dept is None or dept.jurisdiction_code != plan.jurisdiction_code:
        raise UnrelatedReference("所选部门不在该方案所属区划的部门目录中", field="matches")
    return dept


def _apply(
    session: Session, actor: Actor, plan: Plan, rows: list[UnitMatch], choices: dict[str, str]
) -> list[str]:
    created = []
    for m in rows:
        choice = str(choices.get(m.unit_name, "")).strip()
        if choice == NEW:
            dept = departments.ensure(
                session, actor, jurisdiction_code=plan.jurisdiction_code, name=m.unit_name
            )
            created.append(m.unit_name)
            m.department_id, m.method = dept.id, "manual"
        elif choice and int(choice) != m.department_id:
            m.department_id, m.method = _department_of(session, plan, choice).id, "manual"
        m.confirmed = True
    session.flush()
    return created


def _build_tasks(
    session: Session, plan: Plan, by_unit: dict[str, int | None]
) -> list[checkpoints.Placed]:
    data = parsed(plan)
    deadline = default_deadline(data)
    rows = [("body", t) for t in data["tasks"]] + [("appendix", t) for t in data["appendix_tasks"]]
    placed = []
    for source, item in rows:
        task = Task(
            plan_id=plan.id,
            jurisdiction_code=plan.jurisdiction_code,
            ref=str(item["ref"])[:64],
            source=source,
            title=str(item["title"])[:256],
            quote=str(item.get("quote") or ""),
            deadline=deadline,
            shared_responsibility=bool(item["shared_responsibility"]),
            created_at=utcnow(),
        )
        session.add(task)
        session.flush()
        _add_units(session, task, item, by_unit)
        text = f"{task.title}{task.quote}"
        placed.append(checkpoints.Placed(task, task.ref if source == "body" else "", text))
    return placed


def _lead_resolver(
    session: Session, placed: list[checkpoints.Placed]
) -> Callable[[str | None], int | None]:
    """Section of a target → the lead department of the task it sits in (only when the
    section is a task's own, so goals above the tasks stay unassigned)."""

    def lead_of(section: str | None) -> int | None:
        task = next((p.task for p in placed if section and p.ref == section), None)
        if task is None:
            return None
        stmt = (
            select(TaskUnit.department_id)
            .where(TaskUnit.task_id == task.id, TaskUnit.role == "lead")
            .order_by(TaskUnit.id)
        )
        return session.scalars(stmt).first()

    return lead_of


def _add_units(
    session: Session, task: Task, item: dict[str, Any], by_unit: dict[str, int | None]
) -> None:
    seen: set[tuple[int, str]] = set()
    for role, key in (("lead", "lead_units"), ("support", "support_units")):
        for unit in item[key]:
            dept_id = by_unit.get(unit)
            if dept_id is not None and (dept_id, role) not in seen:
                seen.add((dept_id, role))
                session.add(TaskUnit(task_id=task.id, department_id=dept_id, role=role))
    session.flush()


def default_deadline(data: dict[str, Any]) -> date | None:
    """31 December of the plan's last target or milestone year (the office can change it)."""
    years = [t["year"] for t in data["targets"] + data["milestones"] if t.get("year")]
    return date(max(years), 12, 31) if years else None
