"""`huanxin secondhand` commands: the used-car indicator, the price guide and the demo."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from huanxin.config import get_settings
from huanxin.core.clock import today_cn
from huanxin.db import Database

app = typer.Typer(help="二手商品流通：二手车指标、价格指引、演示数据", no_args_is_help=True)
DbOption = Annotated[
    str | None, typer.Option("--database-url", help="数据库地址（默认：$HUANXIN_DATABASE_URL）")
]


def _db(url: str | None) -> Database:
    return Database(url or get_settings().database_url)


@app.command("used-cars")
def used_cars(
    codes: Annotated[list[str], typer.Argument(help="区划代码（可多个）")],
    year: Annotated[int | None, typer.Option(help="年份（默认今年）")] = None,
    database_url: DbOption = None,
) -> None:
    """Print the used-car indicator (count this year vs the 2023 baseline) as JSON."""
    from huanxin.secondhand.service.dealers import used_car_indicator

    db = _db(database_url)
    try:
        with db.sessions() as session:
            result = used_car_indicator(
                session, jurisdiction_codes=codes, year=year or today_cn().year
            )
    finally:
        db.dispose()
    typer.echo(json.dumps(asdict(result), ensure_ascii=False))


@app.command("price-guide")
def price_guide(
    category: Annotated[str | None, typer.Option(help="品类代码")] = None,
    database_url: DbOption = None,
) -> None:
    """Print the price guide cells as JSON lines."""
    from huanxin.secondhand.service.valuation import price_guide as guide

    db = _db(database_url)
    try:
        with db.sessions() as session:
            for row in guide(session, category=category):
                typer.echo(json.dumps(row, ensure_ascii=False))
    finally:
        db.dispose()


@app.command("demo")
def demo(database_url: DbOption = None) -> None:
    """Load the secondhand demo (idempotent)."""
    from huanxin.secondhand.demo import build_demo

    db = _db(database_url)
    try:
        with db.unit_of_work() as session:
            build_demo(session)
    finally:
        db.dispose()
    typer.echo("secondhand demo loaded")
