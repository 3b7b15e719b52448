"""The equipment lists as people work through them: the project library (filters by stage
and sector, a search by name or number; an office opens on the projects waiting for its
approval (申报), an enterprise on its projects not yet completed), the enterprise index, and
the ledger rows (one enterprise's, or the department's over every enterprise), which open on
the rows to eliminate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import BIGINT_MAX
from huanxin.equipment.models import Enterprise, EquipmentFlag, EquipmentItem, Project
from huanxin.equipment.reference import load_rules
from huanxin.equipment.reports import category_label
from huanxin.equipment.service import ledger
from huanxin.equipment.service.access import manages
from huanxin.equipment.service.ledger import FLAG_COLUMN
from huanxin.equipment.states import PROJECTS, ProjectStage
from huanxin.equipment.vocab import FLAG_KINDS, SECTORS, STAGES
from huanxin.web.kit.lists import Column, Filter, ListSpec, View

VIEWS: dict[str, tuple[str, ...]] = {
    "waiting": (ProjectStage.APPLIED.value,),
    "open": tuple(s.value for s, moves in PROJECTS.moves.items() if moves),
}
VIEW_LABELS = {"waiting": "待审批", "open": "未竣工"}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _stage(value: str) -> ColumnElement[bool]:
    return Project.stage.in_(VIEWS.get(value, (value,)))


def matching(text: str) -> ColumnElement[bool]:
    """Projects whose name contains ``text``, or whose number it is."""
    found: list[ColumnElement[bool]] = [
        Project.name.ilike(f"%{text.replace('%', '').replace('_', '')}%")
    ]
    if text.isdigit() and int(text) <= BIGINT_MAX:
        found.append(Project.id == int(text))
    return or_(*found)


SPEC = ListSpec(
    title="设备更新项目",
    columns=(
        Column("id", "编号", Project.id, lambda p: p.id),
        Column("name", "项目名称", Project.name, lambda p: p.name),
        Column("sector", "领域", Project.sector, lambda p: SECTORS.get(p.sector, p.sector)),
        Column("stage", "阶段", Project.stage, lambda p: STAGES.get(p.stage, p.stage)),
        Column(
            "equipment",
            "设备投资（元）",
            Project.equipment_investment_fen,
            lambda p: _yuan(p.equipment_investment_fen),
        ),
        Column(
            "total",
            "总投资（元）",
            Project.total_investment_fen,
            lambda p: _yuan(p.total_investment_fen),
        ),
    ),
    default_sort="-id",
    tiebreak=Project.id,
    search=matching,
    search_hint="项目名称或编号",
    filters=(
        Filter("stage", "阶段", {**VIEW_LABELS, **STAGES}, _stage),
        Filter("sector", "领域", SECTORS, lambda v: Project.sector == v),
    ),
)


def filters(actor: Actor, stage: str | None, sector: str) -> Mapping[str, str]:
    """The chosen filters, the stage opening on the viewer's waiting work."""
    opening = "waiting" if manages(actor) else "open"
    return {"stage": opening if stage is None else stage, "sector": sector}


ABOVE_SIZE = {"yes": "规模以上", "no": "规模以下"}


def _enterprise_matching(text: str) -> ColumnElement[bool]:
    """Enterprises whose name or 统一社会信用代码 holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(Enterprise.name.ilike(part), Enterprise.uscc.ilike(part.upper()))


def enterprises(places: Mapping[str, str]) -> ListSpec:
    """The enterprise index (/equipment); ``places`` (区划代码 → name) are the actor's."""
    return ListSpec(
        title="企业和单位",
        columns=(
            Column("name", "企业名称", Enterprise.name, lambda e: e.name),
            Column("uscc", "统一社会信用代码", Enterprise.uscc, lambda e: e.uscc),
            Column("industry", "行业代码", Enterprise.industry_code, lambda e: e.industry_code),
            Column(
                "above_size",
                "规上",
                Enterprise.above_size,
                lambda e: "是" if e.above_size else "否",
            ),
            Column("sector", "领域", Enterprise.sector, lambda e: SECTORS.get(e.sector, "")),
            Column(
                "jurisdiction_code",
                "区划",
                Enterprise.jurisdiction_code,
                lambda e: places.get(e.jurisdiction_code, ""),
            ),
        ),
        default_sort="name",
        tiebreak=Enterprise.id,
        search=_enterprise_matching,
        search_hint="企业名称或统一社会信用代码",
        filters=(
            Filter("sector", "领域", SECTORS, lambda v: Enterprise.sector == v),
            Filter(
                "above_size", "规模", ABOVE_SIZE, lambda v: Enterprise.above_size == (v == "yes")
            ),
            Filter(
                "jurisdiction_code",
                "区划",
                places,
                lambda v: Enterprise.jurisdiction_code == v,
            ),
        ),
    )


# --- ledger rows ------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row as the lists show it: the row, its flags, its enterprise's name."""

    item: EquipmentItem
    flags: list[EquipmentFlag]
    enterprise: str


FLAG_OPENING = "elimination"  # a ledger opens on the rows to eliminate
STATUSES = {s: s for s in ("在用", "备用", "停用", "已报废")}


def _flag(value: str) -> ColumnElement[bool]:
    return FLAG_COLUMN[value].is_(True)


def _grade(item: EquipmentItem) -> str:
    if item.grade:
        return f"{item.grade}级"
    return "未达3级" if item.assessed else "无法判定"


def _kinds(row: LedgerRow) -> str:
    marks = (("elimination", "淘汰"), ("renewal", "更新改造"), ("safety", "安全评估"))
    return "、".join(text for attr, text in marks if getattr(row.item, attr))


def _basis(row: LedgerRow) -> str:
    return "；".join(f"{f.rule_zh}（限值{f.threshold}，实际{f.actual}）" for f in row.flags)


def _sources(row: LedgerRow) -> str:
    return "；".join(dict.fromkeys(f.source for f in row.flags))


def _item_matching(text: str) -> ColumnElement[bool]:
    """Rows whose 设备编号 or 型号, or whose enterprise's name, holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    named = select(Enterprise.id).where(Enterprise.name.ilike(part))
    return or_(
        EquipmentItem.code.ilike(part),
        EquipmentItem.model.ilike(part),
        EquipmentItem.enterprise_id.in_(named),
    )


def ledger_items(places: Mapping[str, str] | None = None) -> ListSpec:
    """Ledger rows a page at a time: one enterprise's (``places`` None), or every readable
    enterprise's with the enterprise, its 区划 and the sector and place filters."""
    wide = places is not None
    where = places or {}
    columns = (
        *(
            (
                Column("enterprise", "企业", None, lambda r: r.enterprise),
                Column(
                    "jurisdiction_code",
                    "区划",
                    EquipmentItem.jurisdiction_code,
                    lambda r: where.get(r.item.jurisdiction_code, ""),
                ),
            )
            if wide
            else ()
        ),
        Column("code", "设备编号", EquipmentItem.code, lambda r: r.item.code),
        Column(
            "category",
            "设备类别",
            EquipmentItem.category,
            lambda r: category_label(r.item.category),
        ),
        Column("model", "型号", EquipmentItem.model, lambda r: r.item.model),
        Column("status", "状态", EquipmentItem.status, lambda r: r.item.status),
        Column(
            "year",
            "投运年份",
            EquipmentItem.commissioning_year,
            lambda r: r.item.commissioning_year,
        ),
        Column("grade", "能效等级", EquipmentItem.grade, lambda r: _grade(r.item)),
        Column("flags", "判定", None, _kinds),
        Column("basis", "判定说明", None, _basis),
        Column("source", "依据", None, _sources),
        Column("saving", "年节电（kWh）", EquipmentItem.saving_kwh, lambda r: r.item.saving_kwh),
    )
    filters: tuple[Filter, ...] = (
        Filter("flag", "判定", FLAG_KINDS, _flag),
        Filter(
            "category",
            "设备类别",
            {code: c.name_zh for code, c in load_rules().categories.items()},
            lambda v: EquipmentItem.category == v,
        ),
        Filter("status", "状态", STATUSES, lambda v: EquipmentItem.status == v),
    )
    if wide:
        filters += (
            Filter("sector", "领域", SECTORS, lambda v: EquipmentItem.sector == v),
            Filter(
                "jurisdiction_code",
                "区划",
                where,
                lambda v: EquipmentItem.jurisdiction_code == v,
            ),
        )
    return ListSpec(
        title="设备台账" if not wide else "设备清单",
        columns=columns,
        default_sort="code",
        tiebreak=EquipmentItem.id,
        search=_item_matching,
        search_hint="设备编号、型号或企业名称" if wide else "设备编号或型号",
        filters=filters,
    )


def ledger_filters(
    flag: str | None, category: str, status: str, sector: str = "", place: str = ""
) -> dict[str, str]:
    """The chosen filters, a ledger opening on the rows to eliminate."""
    chosen = {"flag": FLAG_OPENING if flag is None else flag, "category": category}
    return chosen | {"status": status, "sector": sector, "jurisdiction_code": place}


def ledger_view(session: Session) -> View:
    """Turns a page of ledger rows into ``LedgerRow``s (flags and enterprise names)."""

    def view(items: list[Any]) -> list[Any]:
        flags = ledger.flags_for(session, [i.id for i in items])
        ids = {i.enterprise_id for i in items}
        stmt = select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids))
        names: dict[int, str] = dict(session.execute(stmt).all()) if ids else {}
        return [LedgerRow(i, flags[i.id], names.get(i.enterprise_id, "")) for i in items]

    return view
