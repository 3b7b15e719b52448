"""The project library as people work through it: columns, filters by stage and sector, a
search by name or number, and where it opens — an office on the projects waiting for its
approval (申报), an enterprise on its projects not yet completed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import ColumnElement, or_

from huanxin.core.actor import Actor
from huanxin.core.bounds import BIGINT_MAX
from huanxin.equipment.models import Enterprise, Project
from huanxin.equipment.service.access import manages
from huanxin.equipment.states import PROJECTS, ProjectStage
from huanxin.equipment.vocab import SECTORS, STAGES
from huanxin.web.kit.lists import Column, Filter, ListSpec

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
