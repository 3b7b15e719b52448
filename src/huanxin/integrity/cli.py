"""Command line of the integrity domain: ``synth`` writes labelled claims, ``scan`` judges them.

The lead mounts ``integrity_app`` under ``huanxin integrity``.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from huanxin.integrity.errors import IndexBusy, IndexMissing
from huanxin.integrity.scan import evaluate, read_labels, scan
from huanxin.integrity.schema import LABEL_COLUMN

integrity_app = typer.Typer(help="骗补风险检测：合成数据与扫描。", no_args_is_help=True)


@integrity_app.command("synth")
def synth_command(
    claims: Annotated[int, typer.Option("--claims", min=2000, help="申领笔数")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 1,
    out: Annotated[Path, typer.Option("--out", help="输出 Parquet 文件")] = Path("claims.parquet"),
) -> None:
    """生成带标注骗补样本的合成申领数据（Parquet；生成器在源码检出的 bench/ 中）。"""
    from huanxin.core import checkout

    try:
        synth = checkout.bench_module("integrity_synth")
    except LookupError as exc:
        typer.echo("合成数据生成器只在源码检出中提供（bench/）", err=True)
        raise typer.Exit(1) from exc
    start = time.perf_counter()
    synth.synthesize(claims, seed, out)
    typer.echo(f"已生成 {claims} 笔申领：{out}（{time.perf_counter() - start:.1f} 秒）")


@integrity_app.command("scan")
def scan_command(
    input_path: Annotated[Path, typer.Option("--input", exists=True, dir_okay=False)],
    since: Annotated[
        datetime | None, typer.Option("--since", help="只判定此时刻之后的申领（增量扫描）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    state: Annotated[
        Path | None,
        typer.Option("--state", file_okay=False, help="索引目录：全量扫描写入，增量扫描读取并追加"),
    ] = None,
) -> None:
    """扫描申领，输出耗时、命中数，以及（有标注时）各类骗补的精确率与召回率。"""
    try:
        result = scan(input_path, since, state=state)
    except (IndexMissing, IndexBusy) as err:
        typer.echo(f"{err.message}（--state {state}）", err=True)
        raise typer.Exit(1) from err
    has_labels = LABEL_COLUMN in pl.read_parquet_schema(input_path)
    report = evaluate(result.hits, read_labels(input_path, since)) if has_labels else {}
    summary = {
        "claims": result.judged,
        "scan_s": result.elapsed_s,
        "hits": result.hits.height,
        "held": result.held.height,
        "by_rule_s": result.timings,
        "by_kind": {
            k: {"precision": v["precision"], "recall": v["recall"]} for k, v in report.items()
        },
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    typer.echo(f"判定 {result.judged} 笔申领，用时 {result.elapsed_s:.2f} 秒；")
    typer.echo(f"命中 {result.hits.height} 次，暂停支付待复核 {result.held.height} 笔。")
    for kind, row in report.items():
        typer.echo(f"  {kind}: 精确率 {row['precision']:.3f}，召回率 {row['recall']:.3f}")


def scan_database(
    database_url: str, state: Path | None = None, *, daily: bool = False
) -> dict[str, object]:
    """Scan the database's claims and store scores, reasons, holds (and merchant scores).

    ``state``: the folder of the stored index (a full scan writes it); ``daily``: judge only
    the claims created or changed since the last scan with that folder.
    """
    from huanxin.db import Database
    from huanxin.integrity import dbscan

    db = Database(database_url)
    try:
        with db.unit_of_work() as session:
            if daily:
                assert state is not None
                done = dbscan.daily_scan(session, state)
            else:
                done = dbscan.full_scan(session, state)
        dbscan.commit_daily(done)
    finally:
        db.dispose()
    return done.summary


@integrity_app.command("scan-db")
def scan_db_command(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    state: Annotated[
        Path | None,
        typer.Option("--state", file_okay=False, help="索引目录：全量扫描写入，每日扫描读取"),
    ] = None,
    daily: Annotated[
        bool, typer.Option("--daily", help="每日扫描：只判定上次扫描后新增或变更的申领")
    ] = False,
) -> None:
    """扫描数据库中的申领，保存风险分、命中原因和暂停支付状态。"""
    from huanxin.config import get_settings

    if daily and state is None:
        typer.echo("每日扫描须指定索引目录（--state）。", err=True)
        raise typer.Exit(1)
    try:
        summary = scan_database(get_settings().database_url, state, daily=daily)
    except (IndexMissing, IndexBusy) as err:
        typer.echo(f"{err.message}（--state {state}）", err=True)
        raise typer.Exit(1) from err
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    typer.echo(
        f"判定 {summary['claims']} 笔申领，用时 {summary['scan_s']} 秒；"
        f"有风险 {summary['scored']} 笔，暂停支付 {summary['held']} 笔。"
    )
