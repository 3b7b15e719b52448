"""The dynamic project library (设备更新动态项目库): renewal projects, their lifecycle
谋划 → 申报 → 审批 → 在建 → 竣工投产 (one step at a time, never back), documents, and the
verification of scrapped old equipment at completion.

Who moves which step: the enterprise submits (申报), starts building (在建) and reports
completion (竣工投产); approval (审批) needs ``equipment:manage``. A manager may move any step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core import audit
from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import (
    MalformedFile,
    NotAChoice,
    NotFound,
    OutOfRange,
    PermissionDenied,
    Required,
    UnrelatedReference,
)
from huanxin.equipment.classify import SCRAPPED
from huanxin.equipment.errors import IllegalStep, ScrapNotVerified
from huanxin.equipment.models import EquipmentItem, Project, ProjectDocument, ProjectStep
from huanxin.equipment.service import ledger
from huanxin.equipment.service.access import (
    get_project,
    manages,
    readable_projects,
    writable_enterprise,
    writable_project,
)
from huanxin.equipment.states import PROJECTS, ProjectStage
from huanxin.equipment.vocab import (
    DOC_TYPES,
    ENTERPRISE_STAGES,
    FUNDING,
    SECTORS,
    STAGE_DATE_FIELD,
    STAGES,
)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_SIGNATURES = {  # content type: (magic bytes, allowed extensions)
    "application/pdf": (b"%PDF-", {".pdf"}),
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}),
}


def snapshot(p: Project) -> dict[str, Any]:
    return {
        "name": p.name,
        "stage": p.stage,
        "sector": p.sector,
        "equipment_investment_fen": p.equipment_investment_fen,
        "total_investment_fen": p.total_investment_fen,
        **{k: getattr(p, k) for k in FUNDING},
    }


def _check_money(equipment: int, total: int, funding: dict[str, int]) -> None:
    for name, value in {
        "equipment_investment_fen": equipment,
        "total_investment_fen": total,
        **funding,
    }.items():
        if value < 0:
            raise OutOfRange("金额不能为负数", field=name)
    if total <= 0:
        raise OutOfRange("总投资应大于0", field="total_investment_fen")
    if equipment > total:
        raise OutOfRange("设备投资不能超过总投资", field="equipment_investment_fen")
    if sum(funding.values()) > total:
        raise OutOfRange("各项资金来源合计不能超过总投资", field="bonds_fen")


def create(
    session: Session,
    actor: Actor,
    *,
    enterprise_id: int,
    name: str,
    equipment_investment_fen: int,
    total_investment_fen: int,
    bonds_fen: int = 0,
    central_fen: int = 0,
    local_fen: int = 0,
    loan_fen: int = 0,
    planned_on: date | None = None,
    sector: str | None = None,
) -> Project:
    ent = writable_enterprise(session, actor, enterprise_id)
    if not name.strip():
        raise Required("项目名称不能为空", field="name")
    if sector is not None and sector not in SECTORS:
        raise NotAChoice("所属领域不正确", field="sector")
    funding = {
        "bonds_fen": bonds_fen,
        "central_fen": central_fen,
        "local_fen": local_fen,
        "loan_fen": loan_fen,
    }
    _check_money(equipment_investment_fen, total_investment_fen, funding)
    planned = planned_on or today_cn()
    _not_future(planned, "planned_on")
    project = Project(
        enterprise_id=ent.id,
        name=name.strip()[:200],
        sector=sector or ent.sector,
        jurisdiction_code=ent.jurisdiction_code,
        stage=ProjectStage.PLANNING,
        equipment_investment_fen=equipment_investment_fen,
        total_investment_fen=total_investment_fen,
        planned_on=planned,
        created_by=actor.user_id,
        created_at=utcnow(),
        **funding,
    )
    session.add(project)
    session.flush()
    _step(session, actor, project, None, "planning", planned, "")
    audit.record(
        session,
        actor,
        "equipment.project_created",
        object_type="equipment_project",
        object_id=project.id,
        after=snapshot(project),
        jurisdiction_code=project.jurisdiction_code,
    )
    return project


def _not_future(on: date, field: str) -> None:
    if on > today_cn():
        raise OutOfRange("日期不能晚于今天", field=field)


def _step(
    session: Session, actor: Actor, p: Project, src: str | None, dst: str, on: date, note: str
) -> None:
    session.add(
        ProjectStep(
            project_id=p.id,
            from_stage=src,
            to_stage=dst,
            on_date=on,
            by_user_id=actor.user_id,
            note=note[:500],
            at=utcnow(),
        )
    )


def next_stage(stage: str) -> str | None:
    """The one stage the table allows after ``stage`` (None: completed)."""
    return next((s.value for s in PROJECTS.following(stage)), None)


def _check_step(actor: Actor, p: Project, to_stage: str) -> None:
    if to_stage not in STAGES:
        raise NotAChoice("目标阶段不正确", field="to_stage")
    expected = next_stage(p.stage)
    if expected is None:
        raise IllegalStep(f"项目已处于“{STAGES[p.stage]}”阶段，不能再变更")
    if not PROJECTS.allows(p.stage, to_stage):
        raise IllegalStep(
            f"项目当前处于“{STAGES[p.stage]}”阶段，下一步只能是“{STAGES[expected]}”，"
            f"不能进入“{STAGES[to_stage]}”"
        )
    if to_stage not in ENTERPRISE_STAGES and not manages(actor):
        raise PermissionDenied(f"“{STAGES[to_stage]}”须由主管部门办理")


def _scrapped(session: Session, p: Project, item_ids: Sequence[int]) -> list[EquipmentItem]:
    if not item_ids:
        raise ScrapNotVerified(
            "竣工投产前须核验被替换的旧设备：请选择本企业台账中报废的旧设备",
            field="scrapped_item_ids",
        )
    stmt = select(EquipmentItem).where(EquipmentItem.id.in_(set(item_ids)))
    items = list(session.scalars(stmt.where(EquipmentItem.enterprise_id == p.enterprise_id)))
    if len(items) != len(set(item_ids)):
        raise UnrelatedReference("所选旧设备不在本企业台账中", field="scrapped_item_ids")
    used = [i.code for i in items if i.scrapped_project_id is not None or i.status == SCRAPPED]
    if used:
        raise ScrapNotVerified(
            "以下设备已报废或已被其他项目核销：" + "、".join(used), field="scrapped_item_ids"
        )
    return items


def advance(
    session: Session,
    actor: Actor,
    *,
    project_id: int,
    to_stage: str,
    on_date: date | None = None,
    note: str = "",
    scrapped_item_ids: Sequence[int] = (),
) -> Project:
    """Move the project one step; at completion link and mark the scrapped old equipment."""
    p = writable_project(session, actor, project_id)
    _check_step(actor, p, to_stage)
    on = on_date or today_cn()
    _not_future(on, "on_date")
    previous = getattr(p, STAGE_DATE_FIELD[p.stage])
    if previous is not None and on < previous:
        raise OutOfRange(f"日期不能早于上一阶段日期{previous.isoformat()}", field="on_date")
    items = _scrapped(session, p, scrapped_item_ids) if to_stage == "completed" else []
    before, src = snapshot(p), p.stage
    p.stage = to_stage
    setattr(p, STAGE_DATE_FIELD[to_stage], on)
    ledger.mark_scrapped(session, items, p.id)
    _step(session, actor, p, src, to_stage, on, note)
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.project_advanced",
        object_type="equipment_project",
        object_id=p.id,
        before=before,
        after=snapshot(p),
        jurisdiction_code=p.jurisdiction_code,
        detail={
            "from": src,
            "to": to_stage,
            "on": on.isoformat(),
            "scrapped": [i.code for i in items],
        },
    )
    return p


def get(session: Session, actor: Actor, project_id: int) -> Project:
    return get_project(session, actor, project_id)


def list_for(
    session: Session,
    actor: Actor,
    *,
    stage: str | None = None,
    sector: str | None = None,
    enterprise_id: int | None = None,
) -> list[Project]:
    stmt = readable_projects(actor)
    if stage:
        stmt = stmt.where(Project.stage == stage)
    if sector:
        stmt = stmt.where(Project.sector == sector)
    if enterprise_id is not None:
        stmt = stmt.where(Project.enterprise_id == enterprise_id)
    return list(session.scalars(stmt.order_by(Project.id)))


def steps(session: Session, project_id: int) -> list[ProjectStep]:
    stmt = select(ProjectStep).where(ProjectStep.project_id == project_id)
    return list(session.scalars(stmt.order_by(ProjectStep.id)))


def scrapped_items(session: Session, project_id: int) -> list[EquipmentItem]:
    stmt = select(EquipmentItem).where(EquipmentItem.scrapped_project_id == project_id)
    return list(session.scalars(stmt.order_by(EquipmentItem.id)))


# --- documents --------------------------------------------------------------------------


def _content_type(filename: str, content: bytes) -> str:
    suffix = PurePath(filename).suffix.lower()
    for kind, (magic, suffixes) in _SIGNATURES.items():
        if content.startswith(magic):
            if suffix not in suffixes:
                raise MalformedFile("文件扩展名与文件内容不符", field="file")
            return kind
    raise MalformedFile("只接受 PDF、JPG、PNG 文件", field="file")


def add_document(
    session: Session, actor: Actor, *, project_id: int, doc_type: str, filename: str, content: bytes
) -> ProjectDocument:
    p = writable_project(session, actor, project_id)
    if doc_type not in DOC_TYPES:
        raise NotAChoice("材料类型不正确", field="doc_type")
    if not content:
        raise MalformedFile("文件为空", field="file")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise OutOfRange("文件超过10 MB", field="file")
    kind = _content_type(filename, content)
    doc = ProjectDocument(
        project_id=p.id,
        doc_type=doc_type,
        filename=filename[:255],
        content_type=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor.user_id,
        at=utcnow(),
    )
    session.add(doc)
    session.flush()
    audit.record(
        session,
        actor,
        "equipment.document_added",
        object_type="equipment_project",
        object_id=p.id,
        jurisdiction_code=p.jurisdiction_code,
        detail={
            "document_id": doc.id,
            "doc_type": doc_type,
            "sha256": doc.sha256,
            "size": doc.size,
        },
    )
    return doc


def documents(session: Session, project_id: int) -> list[ProjectDocument]:
    stmt = select(ProjectDocument).where(ProjectDocument.project_id == project_id)
    return list(session.scalars(stmt.order_by(ProjectDocument.id)))


def get_document(
    session: Session, actor: Actor, *, project_id: int, document_id: int
) -> ProjectDocument:
    get_project(session, actor, project_id)
    doc = session.get(ProjectDocument, document_id)
    if doc is None or doc.project_id != project_id:
        raise NotFound("材料不存在")
    return doc


# --- dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCell:
    """Projects of one sector in one stage: how many, equipment and total investment (fen)."""

    count: int
    equipment_fen: int
    total_fen: int


@dataclass(frozen=True)
class StageTotal:
    """Projects in one stage over every sector: how many and equipment investment (fen)."""

    count: int
    equipment_fen: int


@dataclass(frozen=True)
class SectorStages:
    """One sector's projects by stage (keyed by stage code) and in total."""

    sector: str
    label: str
    stages: dict[str, StageCell]
    count: int
    equipment_fen: int


@dataclass(frozen=True)
class ProjectDashboard:
    """Project counts and equipment investment (fen) by sector and stage (keyed by stage
    code), with the stages' Chinese names."""

    sectors: list[SectorStages]
    stages: dict[str, StageTotal]
    stage_labels: dict[str, str]


def dashboard(session: Session, actor: Actor) -> ProjectDashboard:
    """Counts and equipment investment (fen) by sector and stage over readable projects."""
    sub = readable_projects(actor).subquery()
    stmt = select(
        sub.c.sector,
        sub.c.stage,
        func.count(),
        func.coalesce(func.sum(sub.c.equipment_investment_fen), 0),
        func.coalesce(func.sum(sub.c.total_investment_fen), 0),
    ).group_by(sub.c.sector, sub.c.stage)
    cells = {(s, st): (int(n), int(eq), int(tot)) for s, st, n, eq, tot in session.execute(stmt)}
    rows: list[SectorStages] = []
    for sector, label in SECTORS.items():
        stages = {st: StageCell(*cells.get((sector, st), (0, 0, 0))) for st in STAGES}
        rows.append(
            SectorStages(
                sector=sector,
                label=label,
                stages=stages,
                count=sum(c.count for c in stages.values()),
                equipment_fen=sum(c.equipment_fen for c in stages.values()),
            )
        )
    totals = {
        st: StageTotal(
            count=sum(r.stages[st].count for r in rows),
            equipment_fen=sum(r.stages[st].equipment_fen for r in rows),
        )
        for st in STAGES
    }
    return ProjectDashboard(sectors=rows, stages=totals, stage_labels=dict(STAGES))
