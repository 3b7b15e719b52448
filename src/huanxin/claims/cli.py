"""``huanxin lottery``: ``verify`` reproduces a published draw (from the record file anyone
can download, or from the database); ``record`` prints a round's published record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from huanxin.claims.service import lottery
from huanxin.config import get_settings
from huanxin.db import Database

lottery_app = typer.Typer(help="摇号：公示记录与复核", no_args_is_help=True)

DbOption = Annotated[
    str | None, typer.Option("--database-url", help="数据库地址（默认：$HUANXIN_DATABASE_URL）")
]


def _record(round_id: int, database_url: str | None) -> dict[str, Any]:
    db = Database(database_url or get_settings().database_url)
    try:
        with db.sessions() as session:
            return lottery.record(session, round_id)
    finally:
        db.dispose()


@lottery_app.command("record")
def record(round_id: int, database_url: DbOption = None) -> None:
    """Print round ROUND_ID's published record as JSON."""
    typer.echo(json.dumps(_record(round_id, database_url), ensure_ascii=False, indent=2))


@lottery_app.command("verify")
def verify(
    file: Annotated[Path | None, typer.Argument(help="公示的摇号记录（JSON）")] = None,
    round_id: Annotated[int | None, typer.Option("--round", help="从数据库读取该场次")] = None,
    database_url: DbOption = None,
) -> None:
    """Reproduce the draw from the seed and the ticket list; exit 1 on any mismatch."""
    if file is None and round_id is None:
        raise typer.BadParameter("请给出公示记录文件或 --round 场次编号")
    published = (
        json.loads(file.read_text(encoding="utf-8"))
        if file is not None
        else _record(int(round_id or 0), database_url)
    )
    verdict = lottery.verify(published)
    out = {"ok": verdict.ok, "problems": verdict.problems, "winners": len(verdict.winners)}
    typer.echo(json.dumps(out, ensure_ascii=False))
    if not verdict.ok:
        raise typer.Exit(1)
