"""Operator commands: ``backup``, ``restore``, ``jobs``, ``jurisdiction add``, ``user create``,
``keys id`` and ``drill failover``. ``register`` mounts them on the ``huanxin`` command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from huanxin.config import get_settings
from huanxin.db import Database

jobs_app = typer.Typer(help="定时任务 scheduled jobs: list, run", no_args_is_help=True)
place_app = typer.Typer(help="行政区划 jurisdictions: add", no_args_is_help=True)
keys_app = typer.Typer(help="密钥 keys: id, rotate-pii", no_args_is_help=True)
drill_app = typer.Typer(help="演练 drills: failover", no_args_is_help=True)


def _db() -> Database:
    return Database(get_settings().database_url)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def backup_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件（.tar.gz）")],
    verify: Annotated[bool, typer.Option(help="先恢复到临时库验证再保存")] = True,
) -> None:
    """Write one consistent archive (database, stored files, manifest); the server keeps running."""
    from huanxin.ops.backup import BackupError, backup

    try:
        manifest = backup(get_settings().database_url, file, verify=verify)
    except BackupError as exc:
        _fail(str(exc))
        return
    rows = sum(manifest.get("rows", {}).values())
    state = "已恢复验证" if manifest["verified"] else "未验证"
    typer.echo(
        f"备份完成：{file}（{manifest['backend']}，{rows} 行，密钥编号 {manifest['key_id']}，{state}）"
    )


def restore_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件（.tar.gz）", exists=True)],
) -> None:
    """Rebuild the configured, empty database from an archive and check it."""
    from huanxin.ops.backup import BackupError, restore

    try:
        report = restore(get_settings().database_url, file)
    except BackupError as exc:
        _fail(str(exc))
        return
    if not report.ok:
        _fail("恢复后检查发现问题：\n" + "\n".join(f"  - {p}" for p in report.problems))
    typer.echo(f"恢复完成：{report.rows} 行，{report.files} 个文件；审计链、账本与文件检查均通过")


@jobs_app.command("list")
def jobs_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Each job with its schedule and last run."""
    from huanxin.core.clock import local_text
    from huanxin.ops.jobs.service import last_runs

    with _db().sessions() as session:
        views = last_runs(session)
    rows = [
        {
            "job": v.job,
            "label": v.label,
            "schedule": v.schedule,
            "last": v.last.outcome if v.last else None,
            "last_at": local_text(v.last.started_at) if v.last else None,
            "next_at": local_text(v.next_at),
        }
        for v in views
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    for r in rows:
        typer.echo(
            f"{r['job']:<22} {r['label']:<12} {r['schedule']:<10} 上次 {r['last_at'] or '-'} {r['last'] or ''}"
        )


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str | None, typer.Argument(help="任务名；不给则需 --due")] = None,
    due: Annotated[bool, typer.Option("--due", help="运行所有到期的任务（定时器用）")] = False,
) -> None:
    """Run one job now, or every due job; exit 1 if any failed."""
    from huanxin.ops import logs
    from huanxin.ops.jobs import service

    logs.configure(os.environ.get("HUANXIN_LOG_LEVEL", "INFO"))
    db = _db()
    if due:
        results = service.run_due(db)
    elif name and (spec := service.spec_of(name)):
        results = [(spec, service.run_job(db, spec))]
    else:
        _fail(f"没有这个任务：{name}" if name else "请给出任务名或 --due")
        return
    failed = False
    for spec, run in results:
        outcome = (
            "正在别处运行，跳过" if run is None else {"ok": "成功", "failed": "失败"}[run.outcome]
        )
        typer.echo(f"{spec.label}：{outcome}" + (f"（{run.error}）" if run and run.error else ""))
        failed = failed or (run is not None and run.outcome == "failed")
    if not results:
        typer.echo("没有到期的任务")
    if failed:
        raise typer.Exit(1)


@place_app.command("add")
def place_add(
    code: Annotated[str, typer.Argument(help="区划代码（6位）")],
    name: Annotated[str, typer.Argument(help="名称")],
    level: Annotated[str, typer.Option(help="province | city | county")],
    parent: Annotated[str | None, typer.Option(help="上级区划代码")] = None,
) -> None:
    """Add a jurisdiction (nothing happens if the code exists)."""
    from huanxin.core import jurisdictions
    from huanxin.core.audit import SYSTEM
    from huanxin.core.errors import DomainError

    try:
        with _db().unit_of_work() as session:
            row = jurisdictions.ensure(
                session, SYSTEM, code=code, name=name, level=level, parent_code=parent
            )
            typer.echo(f"区划：{row.code} {row.name}")
    except DomainError as exc:
        _fail(exc.message)


def user_create(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option("--name", help="姓名")],
    role: Annotated[str, typer.Option(help="角色，例如 admin、office、finance")],
    jurisdiction: Annotated[str, typer.Option(help="所属区划代码")],
) -> None:
    """Create a user; the password comes from $HUANXIN_NEW_PASSWORD or a prompt, never argv."""
    from sqlalchemy import select

    from huanxin.core import users
    from huanxin.core.audit import SYSTEM
    from huanxin.core.errors import DomainError
    from huanxin.core.models import User

    password = os.environ.get("HUANXIN_NEW_PASSWORD") or typer.prompt(
        "密码", hide_input=True, confirmation_prompt=True
    )
    try:
        with _db().unit_of_work() as session:
            if session.scalars(select(User.id).where(User.username == username)).first():
                typer.echo(f"用户已存在：{username}")
                return
            new = users.NewUser(
                username=username,
                display_name=name,
                password=password,
                role=role,
                jurisdiction_code=jurisdiction,
            )
            user = users.create(session, SYSTEM, new)
            typer.echo(f"已创建用户 {user.username}（{role}）")
    except DomainError as exc:
        _fail(exc.message)


@keys_app.command("id")
def keys_id() -> None:
    """Print the id of the configured secret key (backups record it)."""
    from huanxin.ops.keys import key_id

    typer.echo(key_id(get_settings().secret_key))


def register(app: typer.Typer, user_app: typer.Typer) -> None:
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    user_app.command("create")(user_create)
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(place_app, name="jurisdiction")
    app.add_typer(keys_app, name="keys")
    app.add_typer(drill_app, name="drill")


@drill_app.command("failover")
def drill_failover(
    clients: Annotated[int, typer.Option(help="并发客户端数")] = 8,
    before_s: Annotated[float, typer.Option("--before", help="故障前加载秒数")] = 2.0,
    detect_s: Annotated[float, typer.Option("--detect", help="发现故障用时（秒）")] = 1.0,
    after_s: Annotated[float, typer.Option("--after", help="切换后继续加载秒数")] = 3.0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Primary + synchronous standby on spare ports; kill the primary under load; promote; count."""
    from huanxin.ops import drill

    result = drill.run(clients=clients, before_s=before_s, detect_s=detect_s, after_s=after_s)
    headline = {k: result[k] for k in ("acknowledged", "lost", "duplicated", "downtime_s")}
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.write(json.dumps(headline) + "\n")
    else:
        typer.echo(
            f"确认 {result['acknowledged']} 笔，丢失 {result['lost']}，重复 {result['duplicated']}，"
            f"中断 {result['downtime_s']} 秒；账本/审计问题 {len(result['problems'])} 个"
        )
    failed = (
        result["lost"]
        or result["duplicated"]
        or result["problems"]
        or result["refused"]
        or result["unanswered"]
    )
    if failed:
        raise typer.Exit(1)


@keys_app.command("rotate-pii")
def keys_rotate_pii() -> None:
    """Add a personal-data key; new values are sealed with it at once (then run reencrypt-pii)."""
    from huanxin.ops.piikeys import rotate

    typer.echo(f"新的个人信息密钥：{rotate()}；请运行 huanxin keys reencrypt-pii 重新加密已有数据")


@keys_app.command("reencrypt-pii")
def keys_reencrypt_pii(
    batch: Annotated[int, typer.Option(help="每批行数（每批一个事务）")] = 500,
    limit: Annotated[int | None, typer.Option(help="本次最多处理的行数（可分次运行）")] = None,
) -> None:
    """Re-seal stored personal data with the newest key, in place; safe to stop and rerun."""
    from huanxin.ops.piikeys import reencrypt

    progress = reencrypt(_db(), batch=batch, limit=limit)
    for column, count in progress.resealed.items():
        typer.echo(f"  {column}: {count}")
    typer.echo(f"已重新加密 {sum(progress.resealed.values())} 项，尚余 {progress.remaining} 项")
