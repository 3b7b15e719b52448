"""The ``huanxin`` command line: serve, migrate, demo, audit, users and each domain's tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from huanxin.config import get_settings, read_secret_key
from huanxin.db import Database

app = typer.Typer(help="换新 Huanxin: 设备更新和消费品以旧换新服务平台", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 audit trail", no_args_is_help=True)
user_app = typer.Typer(help="用户 users and tokens", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")


def _mount_domain_tools() -> None:
    """Each domain's command groups (its descriptor's ``commands`` and ``cli_register``)."""
    from huanxin.core.domain import load
    from huanxin.domains import DOMAINS, wire_ports

    wire_ports()
    for domain in DOMAINS:
        for command in domain.commands:
            app.add_typer(load(command.app), name=command.name, help=command.help)
        if domain.cli_register:
            load(domain.cli_register)(app, user_app)


_mount_domain_tools()


def _mount_benchmarks() -> None:
    """``huanxin bench``: mounted from the checkout's ``bench/`` (an installed package has none)."""
    from huanxin.core import checkout

    if checkout.has_bench():
        app.add_typer(checkout.bench_module("cli").bench_app, name="bench")


_mount_benchmarks()


def _db() -> Database:
    return Database(get_settings().database_url)


@app.command()
def keygen(path: Path = Path("var/secret.key")) -> None:
    """Create the local secret key file if it does not exist."""
    read_secret_key(path, create=True)
    typer.echo(f"secret key: {path}")


@app.command()
def migrate() -> None:
    """Apply database migrations up to the newest revision."""
    from huanxin.migrate import upgrade

    upgrade(get_settings().database_url)
    typer.echo("migrations applied")


@app.command()
def check() -> None:
    """Fail if the models and the migrations differ (alembic check)."""
    from huanxin.migrate import check as alembic_check

    alembic_check(get_settings().database_url)
    typer.echo("no drift")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the platform (migrates first)."""
    import uvicorn

    from huanxin.migrate import upgrade
    from huanxin.ops.serving import prepare

    upgrade(get_settings().database_url)
    prepare(workers)
    # proxy_headers=False: the client address is resolved by web/proxies.py, which believes
    # X-Forwarded-For only from HUANXIN_TRUSTED_PROXIES
    # timeout_worker_healthcheck: a worker still importing on a busy machine is not killed
    uvicorn.run(
        "huanxin.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=False,
        timeout_worker_healthcheck=60,
    )


@app.command()
def demo(claims: int = typer.Option(10_000, help="trade-in claims to generate")) -> None:
    """Load the deterministic demo and print its logins."""
    from huanxin import demo as demo_data
    from huanxin.migrate import upgrade

    upgrade(get_settings().database_url)
    db = _db()
    with db.unit_of_work() as session:
        logins = demo_data.build(session)
    with db.unit_of_work() as session:
        counts = demo_data.build_domains(session, claims=claims)
    typer.echo("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    typer.echo("演示账号 demo logins (password for all: " + demo_data.DEMO_PASSWORD + ")")
    for login in logins:
        typer.echo(f"  {login.username:<22} {login.password}  {login.place} {login.role}")


@audit_app.command("verify")
def audit_verify(
    anchor_file: Path | None = typer.Option(None, help="checkpoints (HUANXIN_AUDIT_ANCHOR_FILE)"),
    public_key: str | None = typer.Option(None, help="the keeper's copy of the public key"),
) -> None:
    """Verify hashes, MACs, chain heads and the newest signed checkpoint; exit 1 if broken."""
    from huanxin.core import anchors

    with _db().sessions() as session:
        result = anchors.verify_trail(session, anchor_file, public_key=public_key)
    if result.ok:
        typer.echo(f"audit trail intact: {result.entries} entries in {result.chains} chains")
        return
    typer.echo(f"audit trail BROKEN at entry {result.first_bad_id}: {result.describe()}", err=True)
    raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(
    anchor_file: Path | None = typer.Option(None, help="checkpoints (HUANXIN_AUDIT_ANCHOR_FILE)"),
) -> None:
    """Verify, then sign the chain heads and append the checkpoint to the anchor file;
    print it as one JSON line for whoever keeps copies."""
    from huanxin.core import anchors

    with _db().sessions() as session:
        try:
            checkpoint = anchors.anchor(session, anchor_file)
        except anchors.BrokenTrail as exc:
            typer.echo(f"audit trail BROKEN, no checkpoint written: {exc}", err=True)
            raise typer.Exit(1) from exc
    echo_json(checkpoint)


@audit_app.command("rotate-key")
def audit_rotate_key(
    sign: bool = typer.Option(False, "--sign", help="rotate the checkpoint signing key instead"),
) -> None:
    """Append a new MAC (or signing) key to HUANXIN_AUDIT_KEY_FILE; new entries use it,
    older keys still verify. Restarting the servers is not needed."""
    from huanxin.core import auditkeys

    key_id = auditkeys.rotate("sign" if sign else "mac")
    typer.echo(f"new {'signing' if sign else 'MAC'} key {key_id} in {auditkeys.key_file()}")


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the checkpoint signing public keys (Ed25519, base64) as JSON, newest last."""
    from huanxin.core import auditkeys

    keys = auditkeys.ring()
    echo_json([{"key_id": k, "public_key": keys.public_key(k)} for k in keys.sign_keys])


@user_app.command("token")
def user_token(username: str, name: str = "cli", days: int = 90) -> None:
    """Issue an API bearer token for a user."""
    from sqlalchemy import select

    from huanxin.core import auth
    from huanxin.core.models import User

    with _db().unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            typer.echo(f"no such user: {username}", err=True)
            raise typer.Exit(1)
        typer.echo(auth.issue_token(session, user, name=name, days=days))


def echo_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


@audit_app.command("heads")
def audit_heads() -> None:
    """Print each chain's head (seq, hash) as JSON, to keep outside the database."""
    from sqlalchemy import select

    from huanxin.core.models import AuditHead

    with _db().sessions() as session:
        heads = [
            {"chain": h.chain, "seq": h.seq, "hash": h.hash}
            for h in session.scalars(select(AuditHead).order_by(AuditHead.chain))
        ]
    echo_json(heads)
