"""``huanxin calendar``: load a year's official holiday arrangement, show a year's days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from huanxin.config import get_settings
from huanxin.core import workdays
from huanxin.core.audit import SYSTEM
from huanxin.core.errors import DomainError
from huanxin.db import Database

calendar_app = typer.Typer(help="法定工作日 official calendar: import, show", no_args_is_help=True)


@calendar_app.command("import")
def import_calendar(
    file: Annotated[Path, typer.Argument(help="CSV：日期,安排（放假/上班）,名称")],
) -> None:
    """Load a year's holidays and make-up workdays (replaces that year's loaded days)."""
    try:
        with Database(get_settings().database_url).unit_of_work() as session:
            result = workdays.import_file(
                session, SYSTEM, content=file.read_bytes(), source=file.name
            )
    except DomainError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"已导入{result['years']}个年度的{result['days']}天，变更{result['changed']}天")


@calendar_app.command("show")
def show_calendar(year: int) -> None:
    """List the rest days on weekdays and the make-up workdays of ``year``."""
    with Database(get_settings().database_url).sessions() as session:
        calendar = workdays.load(session)
    day = date(year, 1, 1)
    while day.year == year:
        work = calendar.is_workday(day)
        if work != (day.weekday() < 5):
            typer.echo(f"{day} {'上班' if work else '放假'}")
        day += timedelta(days=1)
    if not calendar.known(year):
        typer.echo(f"{year}年放假安排未发布：按周一至周五计算", err=True)
