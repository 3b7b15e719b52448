"""Report files: the one-enterprise-one-plan report (一企一策, .docx and .xlsx) and the
department's inventory and elimination lists by sector and jurisdiction (.xlsx).

In the workbooks amounts are numbers of yuan shown as ``#,##0.00`` (they sum and sort), and
places are named, not coded; the Word report writes amounts as text with separators."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docx import Document
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.clock import today_cn
from huanxin.core.exports import YUAN_FORMAT, safe_row
from huanxin.core.jurisdictions import full_name, list_within
from huanxin.core.money import yuan_number, yuan_text
from huanxin.equipment.models import Enterprise, EquipmentFlag, EquipmentItem, Project
from huanxin.equipment.reference import load_rules
from huanxin.equipment.savings import DEFAULT_FACTORS
from huanxin.equipment.service import enterprises, ledger, projects
from huanxin.equipment.vocab import FLAG_KINDS, FUNDING, SECTORS, STAGES

ITEM_HEADERS = (
    "设备编号",
    "设备类别",
    "型号",
    "状态",
    "投运年份",
    "能效等级",
    "判定规则",
    "限值",
    "实际",
    "依据",
)
LIST_HEADERS = ("区划", "领域", "企业", "统一社会信用代码", *ITEM_HEADERS)
PROJECT_HEADERS = (
    "项目名称",
    "领域",
    "阶段",
    "设备投资(元)",
    "总投资(元)",
    *(f"{v}(元)" for v in FUNDING.values()),
)


def category_label(code: str) -> str:
    cat = load_rules().categories.get(code)
    return cat.name_zh if cat else code


@dataclass(frozen=True)
class PlanData:
    enterprise: Enterprise
    summary: ledger.Summary
    flagged: dict[str, list[tuple[EquipmentItem, EquipmentFlag]]]
    projects: list[Project]


def plan_data(session: Session, actor: Actor, enterprise_id: int) -> PlanData:
    ent = enterprises.get(session, actor, enterprise_id)
    flagged: dict[str, list[tuple[EquipmentItem, EquipmentFlag]]] = {k: [] for k in FLAG_KINDS}
    stmt = (
        select(EquipmentItem, EquipmentFlag)
        .join(EquipmentFlag, EquipmentFlag.item_id == EquipmentItem.id)
        .where(EquipmentItem.enterprise_id == ent.id)
        .order_by(EquipmentItem.id, EquipmentFlag.id)
    )
    for item, flag in session.execute(stmt).all():
        flagged[flag.kind].append((item, flag))
    return PlanData(
        ent,
        ledger.summary(session, actor, enterprise_id=ent.id),
        flagged,
        projects.list_for(session, actor, enterprise_id=ent.id),
    )


def item_cells(item: EquipmentItem, flag: EquipmentFlag) -> list[Any]:
    grade = f"{item.grade}级" if item.grade else ("未达3级" if item.assessed else "无法判定")
    return [
        item.code,
        category_label(item.category),
        item.model,
        item.status,
        item.commissioning_year,
        grade,
        flag.rule_zh,
        flag.threshold,
        flag.actual,
        flag.source,
    ]


def project_cells(p: Project, money: Callable[[int], Any] = yuan_text) -> list[Any]:
    """A project's row; ``money`` writes its amounts (text for Word, numbers for Excel)."""
    return [
        p.name,
        SECTORS[p.sector],
        STAGES[p.stage],
        money(p.equipment_investment_fen),
        money(p.total_investment_fen),
        *(money(getattr(p, k)) for k in FUNDING),
    ]


def _append(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """One worksheet row, formula-safe, amounts (Decimal yuan) as numbers with separators."""
    cells: list[Any] = []
    for value in safe_row(values):
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = YUAN_FORMAT
            cells.append(cell)
        else:
            cells.append(value)
    ws.append(cells)


def _summary_lines(d: PlanData) -> list[str]:
    s = d.summary
    counts = (
        f"台账设备{s.rows}台（在用、备用、停用{s.in_use}台）；列入淘汰清单{s.elimination}台，"
        f"更新改造对象{s.renewal}台，安全评估到期{s.safety}台，"
        f"无参考数据无法判定{s.not_assessed}台。"
    )
    saving = (
        f"淘汰和更新对象全部升级到节能水平（2级）后，预计年节电{s.saving_kwh:,.1f} kWh，"
        f"折合节约标准煤{s.saving_tce:,.3f} tce，减排二氧化碳{s.saving_tco2:,.3f} tCO2。"
    )
    return [counts, saving, "折算系数：" + DEFAULT_FACTORS.describe_zh()]


def _enterprise_lines(e: Enterprise, place: str) -> list[tuple[str, str]]:
    return [
        ("企业名称", e.name),
        ("统一社会信用代码", e.uscc),
        ("国民经济行业代码", e.industry_code),
        ("规模以上企业", "是" if e.above_size else "否"),
        ("所属领域", SECTORS[e.sector]),
        ("所属区划", place),
    ]


def plan_docx(session: Session, actor: Actor, enterprise_id: int) -> bytes:
    d = plan_data(session, actor, enterprise_id)
    doc = Document()
    doc.add_heading(f"{d.enterprise.name}设备更新“一企一策”报告", level=0)
    doc.add_paragraph(f"生成日期：{today_cn().isoformat()}")
    doc.add_heading("一、企业基本情况", level=1)
    place = full_name(session, d.enterprise.jurisdiction_code)
    _docx_table(doc, ("项目", "内容"), _enterprise_lines(d.enterprise, place))
    doc.add_heading("二、设备现状与节能潜力", level=1)
    for line in _summary_lines(d):
        doc.add_paragraph(line)
    for number, (kind, label) in zip("三四五", FLAG_KINDS.items(), strict=True):
        doc.add_heading(f"{number}、{label}", level=1)
        rows = [item_cells(i, f) for i, f in d.flagged[kind]]
        if rows:
            _docx_table(doc, ITEM_HEADERS[:7] + ITEM_HEADERS[7:9], [r[:9] for r in rows])
        else:
            doc.add_paragraph("无。")
    doc.add_heading("六、设备更新项目", level=1)
    if d.projects:
        _docx_table(doc, PROJECT_HEADERS, [project_cells(p) for p in d.projects])
    else:
        doc.add_paragraph("尚未入库设备更新项目。")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_table(doc: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def plan_xlsx(session: Session, actor: Actor, enterprise_id: int) -> bytes:
    d = plan_data(session, actor, enterprise_id)
    wb = Workbook(write_only=True)
    info = wb.create_sheet("企业信息")
    place = full_name(session, d.enterprise.jurisdiction_code)
    for key, value in _enterprise_lines(d.enterprise, place):
        info.append(safe_row([key, value]))
    for line in _summary_lines(d):
        info.append(safe_row([line]))
    for kind, label in FLAG_KINDS.items():
        ws = wb.create_sheet(label)
        ws.append(list(ITEM_HEADERS))
        for item, flag in d.flagged[kind]:
            ws.append(safe_row(item_cells(item, flag)))
    ws = wb.create_sheet("更新项目")
    ws.append(list(PROJECT_HEADERS))
    for p in d.projects:
        _append(ws, project_cells(p, yuan_number))
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def lists_xlsx(
    session: Session,
    actor: Actor,
    *,
    sector: str | None = None,
    jurisdiction_code: str | None = None,
) -> bytes:
    """设备使用现状清单 (counts by jurisdiction, sector, category) and the flagged lists."""
    filters = {"sector": sector or None, "jurisdiction_code": jurisdiction_code or None}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("设备使用现状清单")
    ws.append(["区划", "领域", "设备类别", "设备台数", "在用台数", "淘汰", "更新改造", "安全评估"])
    places = {j.code: j.name for j in list_within(session, actor.scope_codes)}
    for code, *rest in _inventory(session, actor, filters):
        ws.append(safe_row([places.get(code, code), *rest]))
    for kind, label in FLAG_KINDS.items():
        sheet = wb.create_sheet(f"设备{label}" if kind == "elimination" else label)
        sheet.append(list(LIST_HEADERS))
        for code, *rest in _flag_rows(session, actor, kind, filters):
            sheet.append(safe_row([places.get(code, code), *rest]))
    return _save(wb)


def _inventory(session: Session, actor: Actor, filters: dict[str, Any]) -> list[list[Any]]:
    sub = ledger.items_stmt(actor, **filters).subquery()
    live = sub.c.status != "已报废"
    stmt = select(
        sub.c.jurisdiction_code,
        sub.c.sector,
        sub.c.category,
        func.count(),
        func.count().filter(live),
        func.count().filter(sub.c.elimination),
        func.count().filter(sub.c.renewal),
        func.count().filter(sub.c.safety),
    ).group_by(sub.c.jurisdiction_code, sub.c.sector, sub.c.category)
    stmt = stmt.order_by(sub.c.jurisdiction_code, sub.c.sector, sub.c.category)
    return [
        [j, SECTORS.get(s, s), category_label(c), *map(int, rest)]
        for j, s, c, *rest in session.execute(stmt)
    ]


def _flag_rows(
    session: Session, actor: Actor, kind: str, filters: dict[str, Any]
) -> Iterable[list[Any]]:
    items = ledger.items_stmt(actor, **filters).subquery()
    stmt = (
        select(Enterprise, EquipmentItem, EquipmentFlag)
        .join(EquipmentItem, EquipmentItem.enterprise_id == Enterprise.id)
        .join(EquipmentFlag, EquipmentFlag.item_id == EquipmentItem.id)
        .where(EquipmentItem.id.in_(select(items.c.id)), EquipmentFlag.kind == kind)
        .order_by(EquipmentItem.jurisdiction_code, Enterprise.id, EquipmentItem.id)
    )
    for ent, item, flag in session.execute(stmt).all():
        yield [
            item.jurisdiction_code,
            SECTORS.get(item.sector, item.sector),
            ent.name,
            ent.uscc,
            *item_cells(item, flag),
        ]
