"""`huanxin recycling` commands (plan a day, load the demo) and `huanxin dispatch`: ``solve`` a
Solomon VRPTW instance and print the result; ``bench_result`` runs ``huanxin bench dispatch``
with its options. A malformed instance prints its Chinese message (naming the line) on stderr
and exits with status 1."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from huanxin.config import get_settings
from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.errors import DomainError
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.recycling.dispatch.solomon import read_solomon
from huanxin.recycling.dispatch.vrptw import solve_vrptw

app = typer.Typer(help="再生资源回收 recycling", no_args_is_help=True)
dispatch_app = typer.Typer(help="上门回收车辆调度", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """再生资源回收 (recycling): dispatch and demo data."""


def _db() -> Database:
    return Database(get_settings().database_url)


@app.command("plan-day")
def plan_day_command(
    service_date: Annotated[str, typer.Option("--date", help="日期 YYYY-MM-DD")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", help="区划代码")] = "140521",
    seconds: Annotated[float, typer.Option("--seconds", min=0.2)] = 5.0,
    user: Annotated[str, typer.Option("--user", help="以该专班或回收企业用户身份调度")] = "",
) -> None:
    """Plan the day's pickups of a jurisdiction and print the plan summary as JSON."""
    from huanxin.recycling.service import dispatching

    with _db().unit_of_work() as session:
        username = user or f"office.{jurisdiction}"
        row = session.scalars(select(User).where(User.username == username)).first()
        if row is None:
            typer.echo(f"错误：用户 {username} 不存在", err=True)
            raise typer.Exit(1)
        actor = Actor(
            row.id,
            row.username,
            row.display_name,
            row.role,
            row.jurisdiction_code,
            row.org_id,
            jurisdictions.subtree_codes(session, row.jurisdiction_code),
        )
        try:
            plan = dispatching.plan_for_day(
                session,
                actor,
                jurisdiction_code=jurisdiction,
                day=date.fromisoformat(service_date),
                seconds=seconds,
            )
        except (DomainError, ValueError) as exc:
            session.rollback()
            typer.echo(f"错误：{getattr(exc, 'message', exc)}", err=True)
            raise typer.Exit(1) from exc
        body = asdict(dispatching.plan_view(session, plan))
    summary = {k: body[k] for k in ("id", "service_date", "revision", "distance_m", "feasible")}
    summary["routes"] = [{"plate": r["plate"], "stops": len(r["stops"])} for r in body["routes"]]
    summary["unserved"] = body["unserved"]
    typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command("demo")
def demo_command() -> None:
    """Load the recycling demo (after `huanxin demo`)."""
    from huanxin.recycling.demo import build_demo

    with _db().unit_of_work() as session:
        build_demo(session)
    typer.echo("回收演示数据已就绪")


@dispatch_app.callback()
def _dispatch_group() -> None:
    """上门回收车辆调度 (vehicle routing)."""


@dispatch_app.command("solve")
def solve_command(
    file: Annotated[Path, typer.Argument(help="Solomon 格式的 VRPTW 算例文件")],
    seconds: Annotated[float, typer.Option("--seconds", min=0.1, help="求解时间（秒）")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Solve a Solomon instance (distances truncated to one decimal, DIMACS convention)."""
    try:
        result = solve_vrptw(read_solomon(file), seconds, seed)
    except DomainError as exc:
        typer.echo(f"错误：{exc.message}", err=True)
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
        return
    status = "可行" if result.feasible else "不可行"
    typer.echo(f"车辆 {result.vehicles} 辆，总距离 {result.distance:.1f}，{status}")
    for number, route in enumerate(result.routes, start=1):
        typer.echo(f"  路线 {number}: {' '.join(str(c) for c in route)}")
