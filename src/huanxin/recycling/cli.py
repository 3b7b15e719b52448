"""`huanxin recycling` commands: plan a day, load the demo."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from sqlalchemy import select

from huanxin.config import get_settings
from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.errors import DomainError
from huanxin.core.models import User
from huanxin.db import Database

app = typer.Typer(help="再生资源回收 recycling", no_args_is_help=True)


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
        body = dispatching.plan_dict(session, plan)
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
