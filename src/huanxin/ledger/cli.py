"""``huanxin ledger`` commands: ``check`` proves the ledger balances, ``balances`` lists
pools, ``rebalance`` evens out a pool's shards; ``huanxin simulate pacing`` runs a budget
year (``simulation``). The lead mounts ``ledger_app`` and ``simulate_app``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import func, select

from huanxin.config import get_settings
from huanxin.db import Database
from huanxin.ledger import service
from huanxin.ledger.errors import yuan_grouped
from huanxin.ledger.models import Entry, Pool

ledger_app = typer.Typer(help="预算资金账本：核对与分片平衡", no_args_is_help=True)
simulate_app = typer.Typer(help="模拟：预算资金全年节奏", no_args_is_help=True)

DbOption = Annotated[
    str | None, typer.Option("--database-url", help="数据库地址（默认：$HUANXIN_DATABASE_URL）")
]


def _db(url: str | None) -> Database:
    return Database(url or get_settings().database_url)


@ledger_app.command("check")
def check(database_url: DbOption = None) -> None:
    """Prove allocated = available + reserved + spent for every pool and that the journal
    agrees; exit 1 listing every problem."""
    db = _db(database_url)
    try:
        with db.sessions() as session:
            problems = service.check(session)
            pools = session.scalar(select(func.count()).select_from(Pool)) or 0
            legs = session.scalar(select(func.count()).select_from(Entry)) or 0
    finally:
        db.dispose()
    if problems:
        typer.echo(f"账本核对发现{len(problems)}个问题：", err=True)
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"账本核对通过：{pools}个预算池，{legs}条分录，已下达=可用+预留+已支出，流水一致")


@ledger_app.command("balances")
def balances(database_url: DbOption = None) -> None:
    """Print every pool's balances in yuan."""
    db = _db(database_url)
    try:
        with db.sessions() as session:
            for pool in session.scalars(select(Pool).order_by(Pool.id)):
                b = service.pool_balances(session, pool.id)
                typer.echo(
                    f"{pool.id}\t{pool.name}\t已下达{yuan_grouped(b.allocated)}\t"
                    f"可用{yuan_grouped(b.available)}\t预留{yuan_grouped(b.reserved)}\t"
                    f"已支出{yuan_grouped(b.spent)}"
                )
    finally:
        db.dispose()


@ledger_app.command("rebalance")
def rebalance(pool_id: int, database_url: DbOption = None) -> None:
    """Even out the available money over a pool's shards."""
    db = _db(database_url)
    try:
        with db.unit_of_work() as session:
            moved = service.rebalance(session, pool_id)
    finally:
        db.dispose()
    typer.echo(f"预算池{pool_id}：分片间调剂{yuan_grouped(moved)}元")


@simulate_app.command("pacing")
def simulate_pacing(
    as_json: Annotated[bool, typer.Option("--json", help="只输出JSON（最后一行为结果）")] = False,
    seed: int = 17,
    per_day: Annotated[float, typer.Option(help="日均需求笔数")] = 24.0,
    slots: Annotated[int, typer.Option(min=1, max=6, help="每日办理时段数")] = 6,
) -> None:
    """A year of one county's sales against a budget covering ~70 % of demand, weekly
    tranches, a monthly plan, pauses; prints each month, then the result as the last line."""
    from huanxin.ledger import simulation

    outcome = simulation.run(seed=seed, mean_per_day=per_day, slots=slots)
    for month in outcome.months:
        line = {
            "month": month["month"],
            "plan_fen": month["plan_fen"],
            "spent_fen": month["spent_fen"],
        }
        typer.echo(
            json.dumps(line)
            if as_json
            else f"{month['month']}月 计划{yuan_grouped(month['plan_fen'])} 支出{yuan_grouped(month['spent_fen'])}"
        )
    extra = {
        "sales": outcome.sales,
        "refused_paused": outcome.refused_paused,
        "refused_short": outcome.refused_short,
        "demand_fen": outcome.demand_fen,
    }
    typer.echo(json.dumps(extra, ensure_ascii=False))
    typer.echo(json.dumps(outcome.summary(), ensure_ascii=False))
