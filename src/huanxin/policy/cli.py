"""``huanxin policy`` commands: ``quote`` an item against the shipped programmes, ``validate`` them,
``sync`` them into the database. Expected failures (a bad file, a bad
input) print their Chinese message on stderr and exit with status 1.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from huanxin.core.errors import DomainError
from huanxin.core.money import yuan_text
from huanxin.policy.engine import ItemAttributes, Quote, jurisdiction_path, quote
from huanxin.policy.errors import InvalidQuoteRequest
from huanxin.policy.loader import default_policies_dir, load_dir

policy_app = typer.Typer(help="补贴政策：报价与校验", no_args_is_help=True)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--policies-dir", help="政策文件目录（默认：仓库 policies/ 或 $HUANXIN_POLICIES_DIR）"
    ),
]


def _parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidQuoteRequest(f"日期格式须为YYYY-MM-DD：{text!r}", field=field) from exc


def _parse_attrs(pairs: list[str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidQuoteRequest(f"--attr 须为 key=value 形式：{pair!r}", field="attr")
        attrs[key.strip()] = value.strip()
    return attrs


def _fail(exc: DomainError) -> typer.Exit:
    typer.echo(f"错误：{exc.message}", err=True)
    return typer.Exit(1)


def render_text(result: Quote) -> str:
    """Human-readable quote in Chinese."""
    lines = [f"购买日期 {result.on_date.isoformat()}，地区 {' > '.join(result.jurisdiction_path)}"]
    for applied in result.applied:
        lines.append(f"【适用】{applied.title}（{applied.programme_id} 第{applied.version}版）")
        lines.append(f"  补贴 {yuan_text(applied.amount_fen)} 元")
        lines += [f"  {line}" for line in applied.explanation]
    for missed in result.not_applied:
        version = f" 第{missed.version}版" if missed.version is not None else ""
        lines.append(f"【不适用】{missed.title}（{missed.programme_id}{version}）")
        lines += [f"  - {reason}" for reason in missed.reasons]
    lines.append(result.explanation[-1])
    return "\n".join(lines)


@policy_app.command("quote")
def quote_command(
    *,
    jurisdiction: Annotated[str, typer.Option(help="购买人所在地行政区划代码（6位）")],
    on_date: Annotated[str, typer.Option("--date", help="购买日期 YYYY-MM-DD")],
    category: Annotated[str, typer.Option(help="品类代码，如 air_conditioner")],
    price: Annotated[str, typer.Option(help="成交价（元）")],
    grade: Annotated[int | None, typer.Option(help="能效（水效）等级 1-5")] = None,
    quantity: Annotated[int, typer.Option(help="数量（如电梯部数）")] = 1,
    attr: Annotated[list[str] | None, typer.Option(help="其他属性 key=value，可重复")] = None,
    as_of: Annotated[str | None, typer.Option(help="只用此日期前发布的政策版本")] = None,
    policies_dir: DirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """报价：列出适用的每项政策、各级资金金额（分）和中文计算说明。"""
    try:
        inputs: dict[str, Any] = {"category": category, "price": price, "quantity": quantity}
        if grade is not None:
            inputs["grade"] = grade
        inputs |= _parse_attrs(attr or [])
        result = quote(
            load_dir(policies_dir or default_policies_dir()),
            jurisdiction_path=jurisdiction_path(jurisdiction),
            on_date=_parse_date(on_date, "date"),
            item=ItemAttributes.from_inputs(inputs),
            as_of=_parse_date(as_of, "as_of") if as_of else None,
        )
    except DomainError as exc:
        raise _fail(exc) from exc
    typer.echo(result.model_dump_json(indent=2) if as_json else render_text(result))


@policy_app.command("validate")
def validate_command(policies_dir: DirOption = None) -> None:
    """校验全部政策文件；出错时给出文件、行号和原因。"""
    directory = policies_dir or default_policies_dir()
    try:
        programmes = load_dir(directory)
    except DomainError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{directory}：共{len(programmes)}个政策文件，全部有效")


@policy_app.command("sync")
def policy_sync(policies_dir: Path | None = None) -> None:
    """Store new programme versions from policies/ in the database."""
    from huanxin.config import get_settings
    from huanxin.core.audit import SYSTEM
    from huanxin.db import Database
    from huanxin.policy import service

    with Database(get_settings().database_url).unit_of_work() as session:
        result = service.sync_dir(session, SYSTEM, policies_dir)
    typer.echo(f"loaded {len(result.loaded)} new versions, {result.unchanged} unchanged")
