"""Briefings (工作信息简报) as .docx, their PDF where LibreOffice is installed, and the whole
ledger as .xlsx."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from openpyxl import Workbook
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from huanxin.core import audit, jurisdictions
from huanxin.core.actor import Actor, visible
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import OutOfRange
from huanxin.core.exports import safe_row
from huanxin.supervision import charts, indicators
from huanxin.supervision.models import Briefing, Checkpoint, Report
from huanxin.supervision.service import checkpoints
from huanxin.supervision.service.common import in_scope
from huanxin.supervision.service.ledger import TaskRow, list_rows, tasks_query
from huanxin.supervision.vocab import SCHEDULE_LABELS, STATUS_LABELS

NO_LIBREOFFICE = "本机未安装 LibreOffice，未生成 PDF，请下载 Word 版本"
PDF_TIMEOUT = 120
CJK_FONT = "Noto Sans CJK SC"


@dataclass(frozen=True)
class Content:
    """What a briefing reports for a jurisdiction and a period."""

    place: str
    rows: list[TaskRow]
    reports_in_period: int
    progress: list[tuple[str, float]]
    missed: list[tuple[str, str, date]] = field(default_factory=list)  # checkpoint, task, due


def collect(
    session: Session, actor: Actor, code: str, start: date, end: date, today: date
) -> Content:
    rows = [r for r in list_rows(session, actor, today=today) if r.task.jurisdiction_code == code]
    ids = [r.task.id for r in rows]
    count = (
        session.scalar(
            select(func.count())
            .select_from(Report)
            .where(Report.task_id.in_(ids), Report.reported_on >= start, Report.reported_on <= end)
        )
        if ids
        else 0
    )
    progress = []
    for ind in indicators.list_for(session, actor):
        if ind.jurisdiction_code == code:
            values = indicators.values_of(session, ind.id)
            p = indicators.progress(ind, values, current_year=today.year)
            if p.percent is not None:
                progress.append((ind.name, p.percent))
    return Content(
        jurisdictions.full_name(session, code),
        rows,
        int(count or 0),
        progress,
        _missed(session, rows, code, today),
    )


def _missed(
    session: Session, rows: list[TaskRow], code: str, today: date
) -> list[tuple[str, str, date]]:
    """Checkpoints past due and not confirmed done (plan-wide ones included)."""
    label = {r.task.id: f"{r.task.ref} {r.task.title}" for r in rows}
    stmt = select(Checkpoint).where(
        Checkpoint.jurisdiction_code == code, Checkpoint.done_on.is_(None), Checkpoint.due < today
    )
    out = []
    for c in session.scalars(stmt.order_by(Checkpoint.due, Checkpoint.id)):
        if c.task_id is None or c.task_id in label:
            out.append((c.title, label.get(c.task_id or 0, "未关联任务"), c.due))
    return out


def issue(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str,
    period_start: date,
    period_end: date,
    today: date | None = None,
) -> Briefing:
    in_scope(actor, jurisdiction_code)
    if period_end < period_start:
        raise OutOfRange("简报期间的结束日期不能早于开始日期", field="period_end")
    day = today or today_cn()
    last = session.scalar(
        select(func.max(Briefing.issue_no)).where(Briefing.jurisdiction_code == jurisdiction_code)
    )
    number = int(last or 0) + 1
    content = collect(session, actor, jurisdiction_code, period_start, period_end, day)
    data = render_docx(content, number=number, start=period_start, end=period_end, day=day)
    row = Briefing(
        jurisdiction_code=jurisdiction_code,
        issue_no=number,
        period_start=period_start,
        period_end=period_end,
        issued_on=day,
        docx=data,
        created_by=actor.user_id or None,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "supervision.briefing_issued",
        object_type="sv_briefing",
        object_id=row.id,
        after={"issue_no": number, "start": period_start, "end": period_end},
        jurisdiction_code=jurisdiction_code,
    )
    return row


def headline(content: Content) -> list[tuple[str, str]]:
    counts = Counter(r.status for r in content.rows)
    return [
        ("任务总数", str(len(content.rows))),
        ("已完成", str(counts["done"])),
        ("正常推进", str(counts["on_track"])),
        ("有风险", str(counts["at_risk"])),
        ("已逾期", str(counts["overdue"])),
        ("未启动", str(counts["not_started"])),
        ("本期进展报告", str(content.reports_in_period)),
    ]


def render_docx(content: Content, *, number: int, start: date, end: date, day: date) -> bytes:
    doc = Document()
    _style(doc)
    doc.add_heading("工作信息简报", level=0)
    doc.add_paragraph(f"第{number}期")
    doc.add_paragraph(
        f"{content.place}推动大规模设备更新和消费品以旧换新工作专班办公室"
        f"　　{day.year}年{day.month}月{day.day}日"
    )
    doc.add_paragraph(f"统计期间：{start.isoformat()} 至 {end.isoformat()}")
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(
        "；".join(f"{k}{v}项" if k != "本期进展报告" else f"{k}{v}份" for k, v in headline(content))
        + "。"
    )
    counts = Counter(r.status for r in content.rows)
    doc.add_picture(io.BytesIO(charts.status_chart(counts, STATUS_LABELS, fmt="png")), width=Cm(14))
    if content.progress:
        doc.add_heading("二、指标进展", level=1)
        png = charts.progress_chart(content.progress, fmt="png")
        doc.add_picture(io.BytesIO(png), width=Cm(15))
    doc.add_heading("三、任务推进情况", level=1)
    _task_table(doc.add_table(rows=1, cols=5), content.rows)
    doc.add_heading("四、逾期任务", level=1)
    overdue = [r for r in content.rows if r.status == "overdue"]
    for r in overdue:
        doc.add_paragraph(
            f"{r.task.ref} {r.task.title}（牵头：{'、'.join(r.lead) or '未明确'}；"
            f"时限：{r.task.deadline}）",
            style="List Bullet",
        )
    if not overdue:
        doc.add_paragraph("本期无逾期任务。")
    for title, task, due in content.missed:
        doc.add_paragraph(
            f"时间节点“{title}”（{task}；到期：{due.isoformat()}）未确认完成", style="List Bullet"
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _style(doc: object) -> None:
    """Noto Sans CJK SC for Latin and East Asian text alike (LibreOffice would otherwise pick
    another CJK face for the PDF)."""
    for name in ("Normal", "Title", "Heading 1", "List Bullet"):
        style = doc.styles[name]  # type: ignore[attr-defined]
        style.font.name = CJK_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), CJK_FONT)
    doc.styles["Normal"].font.size = Pt(11)  # type: ignore[attr-defined]


def _task_table(table: Table, rows: list[TaskRow]) -> None:
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["序号", "任务", "牵头单位", "进度", "状态"], strict=True
    ):
        cell.text = text
    for r in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        percent = "" if r.latest_percent is None else f"{r.latest_percent}%"
        values = [r.task.ref, r.task.title, "、".join(r.lead), percent, r.status_label]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def get(session: Session, actor: Actor, briefing_id: int) -> Briefing:
    row = session.get(Briefing, briefing_id)
    return visible(actor, row, row.jurisdiction_code if row else None, "简报不存在")


def readable(actor: Actor) -> Select[Briefing]:
    """The briefings of the actor's scope, without their documents (downloaded one by one)."""
    stmt = select(Briefing).where(Briefing.jurisdiction_code.in_(actor.scope_codes))
    return stmt.options(defer(Briefing.docx, raiseload=True))


def list_for(session: Session, actor: Actor) -> list[Briefing]:
    return list(session.scalars(readable(actor).order_by(Briefing.id.desc())))


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, *, timeout: int = PDF_TIMEOUT) -> tuple[bytes | None, str]:
    """The PDF made by LibreOffice (headless, a private profile in a temp dir), or None and
    the reason: not installed, timed out, or the conversion produced nothing."""
    binary = office_binary()
    if binary is None:
        return None, NO_LIBREOFFICE
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "briefing.docx"
        src.write_bytes(docx)
        profile = (Path(tmp) / "profile").as_uri()
        cmd = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(
                cmd,
                check=False,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            return None, f"LibreOffice 转换 PDF 超时（{timeout}秒），请稍后重试或下载 Word 版本"
        except OSError as exc:
            return None, f"无法启动 LibreOffice（{exc.strerror or exc}），请下载 Word 版本"
        out = Path(tmp) / "briefing.pdf"
        if not out.exists() or not out.read_bytes().startswith(b"%PDF"):
            return None, "LibreOffice 转换 PDF 失败，请下载 Word 版本"
        return out.read_bytes(), ""


LEDGER_HEADER = [
    "区划",
    "方案",
    "序号",
    "来源",
    "任务",
    "牵头单位",
    "配合单位",
    "年度目标",
    "工作举措",
    "完成时限",
    "责任人",
    "填报周期",
    "最新期次",
    "进度(%)",
    "状态",
    "销号",
]
CLOSING_LABELS = {"open": "未申请", "requested": "待审核", "closed": "已销号"}
SOURCE_LABELS = {"appendix": "附件", "meeting": "会议交办", "visit": "督导整改"}


def ledger_xlsx(session: Session, actor: Actor, *, today: date | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务台账"
    ws.append(LEDGER_HEADER)
    for r in list_rows(session, actor, today=today):
        t = r.task
        ws.append(
            safe_row(
                [
                    t.jurisdiction_code,
                    t.plan_id,
                    t.ref,
                    SOURCE_LABELS.get(t.source, "正文"),
                    t.title,
                    "、".join(r.lead),
                    "、".join(r.support),
                    t.yearly_goals,
                    t.measures,
                    t.deadline.isoformat() if t.deadline else "",
                    r.person,
                    SCHEDULE_LABELS.get(t.schedule, t.schedule),
                    r.latest_period or "",
                    r.latest_percent,
                    r.status_label,
                    CLOSING_LABELS.get(t.closing, t.closing),
                ]
            )
        )
    _checkpoint_sheet(wb, session, actor, today or today_cn())
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CHECKPOINT_HEADER = [
    "区划",
    "方案",
    "任务序号",
    "任务",
    "时间节点",
    "到期日",
    "状态",
    "完成日期",
    "完成情况",
]


def _checkpoint_sheet(wb: Workbook, session: Session, actor: Actor, today: date) -> None:
    ws = wb.create_sheet("时间节点")
    ws.append(CHECKPOINT_HEADER)
    tasks = {t.id: t for t in tasks_query(session, actor)}
    for c in checkpoints.list_for(session, actor):
        task = tasks.get(c.task_id or 0)
        state = checkpoints.STATE_LABELS[checkpoints.state_of(c, today)]
        ws.append(
            safe_row(
                [
                    c.jurisdiction_code,
                    c.plan_id,
                    task.ref if task else "",
                    task.title if task else "未关联任务",
                    c.title,
                    c.due.isoformat(),
                    state,
                    c.done_on.isoformat() if c.done_on else "",
                    c.done_note,
                ]
            )
        )
