"""`huanxin plan import FILE [--json]`: import an implementation plan and print it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from huanxin.core.errors import DomainError
from huanxin.supervision.planparse import parse_plan

plan_app = typer.Typer(help="实施方案导入：从 .txt/.docx/.pdf 提取任务、责任单位、目标和时间节点。")


@plan_app.callback()
def _group() -> None:
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
