"""`huanxin supervision` commands: store a plan in the database, list reminders; and
`huanxin plan import FILE [--json]`, which imports an implementation plan and only prints it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from huanxin.config import get_settings
from huanxin.core.actor import Actor
from huanxin.core.errors import DomainError
from huanxin.core.jurisdictions import subtree_codes
from huanxin.db import Database
from huanxin.supervision.planparse import parse_plan

app = typer.Typer(help="督办：实施方案入库、任务台账提醒", no_args_is_help=True)
plan_app = typer.Typer(help="实施方案导入：从 .txt/.docx/.pdf 提取任务、责任单位、目标和时间节点。")


def _db() -> Database:
    return Database(get_settings().database_url)


def system_actor(session: Session, code: str) -> Actor:
    """The platform acting as the office of ``code`` (scope: the code and below)."""
    scope = subtree_codes(session, code)
    if not scope:
        raise DomainError(f"区划代码不存在：{code}", field="jurisdiction")
    return Actor(
        user_id=0,
        username="system",
        display_name="系统",
        role="office",
        jurisdiction_code=code,
        scope_codes=scope,
    )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="实施方案文件（.txt、.docx 或含文本层的 .pdf）")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j", help="区划代码")],
) -> None:
    """导入实施方案并存入数据库（待确认单位匹配）。"""
    from huanxin.supervision.service import plans

    if not file.is_file():
        typer.echo(f"文件不存在：{file}", err=True)
        raise typer.Exit(code=2)
    try:
        with _db().unit_of_work() as session:
            actor = system_actor(session, jurisdiction)
            plan = plans.import_plan(
                session,
                actor,
                jurisdiction_code=jurisdiction,
                filename=file.name,
                content=file.read_bytes(),
            )
            rows = plans.matches(session, plan)
            unmatched = [m.unit_name for m in rows if m.department_id is None]
            plan_id, title = plan.id, plan.title
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(
        f"已导入方案 {plan_id}：{title}；责任单位 {len(rows)} 个，未匹配 {len(unmatched)} 个。"
    )
    typer.echo(f"请在 /supervision/plans/{plan_id}/review 确认单位匹配后生成台账。")


@app.command("reminders")
def reminders_cmd(
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j", help="区划代码")],
    days: Annotated[int, typer.Option(help="提前提醒天数")] = 30,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """列出临近时限、逾期和缺报的任务提醒。"""
    from huanxin.supervision.service import ledger

    try:
        with _db().unit_of_work() as session:
            rows = ledger.reminders(session, system_actor(session, jurisdiction), days=days)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        out = [{**r.__dict__, "due": r.due.isoformat() if r.due else None} for r in rows]
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    for r in rows:
        typer.echo(f"[{ledger.REMINDER_LABELS[r.kind]}] {r.ref} {r.title}：{r.message}")
    typer.echo(f"共 {len(rows)} 条提醒。")


@app.command("bulletin")
def bulletin_cmd(
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j", help="区划代码")],
    kind: Annotated[
        str, typer.Option(help="daily | ten_day | weekly | monthly | special")
    ] = "daily",
    day: Annotated[str, typer.Option("--date", help="统计截止日期 YYYY-MM-DD，默认今天")] = "",
    out: Annotated[Path | None, typer.Option(help="保存 Word 文件的路径")] = None,
    pdf: Annotated[Path | None, typer.Option(help="另存 PDF 的路径（需要 LibreOffice）")] = None,
) -> None:
    """按报告模板生成日报、旬报、周报、月报或专报（无该类模板时先建默认模板）。"""
    from datetime import date

    from huanxin.supervision.service import bulletins

    try:
        end = date.fromisoformat(day) if day else None
    except ValueError:
        typer.echo("统计截止日期格式应为YYYY-MM-DD", err=True)
        raise typer.Exit(code=2) from None
    try:
        with _db().unit_of_work() as session:
            actor = system_actor(session, jurisdiction)
            tpl = next(
                (
                    t
                    for t in bulletins.ensure_defaults(session, actor, jurisdiction)
                    if t.kind == kind
                ),
                None,
            )
            if tpl is None:
                raise DomainError(f"报告类型不存在：{kind}", field="kind")
            row = bulletins.generate(session, actor, tpl.id, period_end=end)
            made = {
                "id": row.id,
                "title": row.title,
                "issue_no": row.issue_no,
                "period_start": row.period_start.isoformat(),
                "period_end": row.period_end.isoformat(),
                "figures": json.loads(row.figures),
            }
            docx, pdf_bytes = row.docx, bulletins.pdf_of(session, row)[0] if pdf else None
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from exc
    if out:
        out.write_bytes(docx)
    if pdf and pdf_bytes:
        pdf.write_bytes(pdf_bytes)
    typer.echo(json.dumps(made, ensure_ascii=False))


@plan_app.callback()
def _plan_group() -> None:
    """实施方案（implementation plan）命令。"""


@plan_app.command("import")
def import_plan(
    file: Annotated[Path, typer.Argument(help="实施方案文件（.txt、.docx 或含文本层的 .pdf）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出完整JSON")] = False,
) -> None:
    """导入实施方案并输出结果。"""
    if not file.is_file():
        typer.echo(f"文件不存在：{file}", err=True)
        raise typer.Exit(code=2)
    try:
        plan = parse_plan(file)
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(json.dumps(plan, ensure_ascii=False, indent=2))
    else:
        typer.echo(summary(plan))


def summary(plan: dict[str, object]) -> str:
    """A short Chinese summary of an imported plan."""
    doc = plan["document"]
    tasks = plan["tasks"]
    assert isinstance(doc, dict)
    assert isinstance(tasks, list)
    no_lead = sum(1 for t in tasks if not t["lead_units"])
    title = doc.get("title") or "（未识别）"
    issuer = doc.get("issuer") or "（未识别）"
    number = doc.get("doc_number") or "（无）"
    date = doc.get("date") or "（无）"
    lines = [
        f"标题：{title}",
        f"发文机关：{issuer}　文号：{number}　日期：{date}",
        (
            f"任务 {len(tasks)} 项（其中无牵头单位 {no_lead} 项），"
            f"附件表格任务 {_count(plan, 'appendix_tasks')} 项，"
            f"量化目标 {_count(plan, 'targets')} 个，时间节点 {_count(plan, 'milestones')} 个。"
        ),
        f"未归位的文本 {_count(plan, 'unplaced')} 段（见 --json 输出的 unplaced）。",
    ]
    return "\n".join(lines)


def _count(plan: dict[str, object], key: str) -> int:
    items = plan.get(key)
    return len(items) if isinstance(items, list) else 0
