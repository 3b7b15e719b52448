"""``huanxin dispatch`` commands: ``solve`` a Solomon VRPTW instance and print the result;
``bench_result`` runs ``huanxin bench dispatch`` with its options.

The lead mounts ``dispatch_app`` under the main Typer app. A malformed instance prints its
Chinese message (naming the line) on stderr and exits with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from huanxin.core.errors import DomainError
from huanxin.recycling.dispatch.solomon import read_solomon
from huanxin.recycling.dispatch.vrptw import solve_vrptw
from huanxin.recycling.dispatch_bench import options_bench, quick_bench

dispatch_app = typer.Typer(help="上门回收车辆调度", no_args_is_help=True)


@dispatch_app.callback()
def _group() -> None:
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


def bench_result(
    folder: Path, *, quick: bool, instances: str, seconds: str, county: str
) -> dict[str, object]:
    """The dispatch benchmark's dict; a bad option or instance file exits 1 with the reason."""
    try:
        if quick:
            return quick_bench(folder)
        return options_bench(folder, instances=instances, seconds=seconds, county=county)
    except DomainError as exc:
        typer.echo(f"错误：{exc.message}（{exc.field or ''}）", err=True)
        raise typer.Exit(1) from exc
    except FileNotFoundError as exc:
        typer.echo(f"错误：找不到Solomon算例目录或文件 {exc.filename}", err=True)
        raise typer.Exit(1) from exc
