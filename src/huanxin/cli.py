"""The ``huanxin`` command line: serve, migrate, demo, audit, users and each domain's tools."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

from huanxin.config import get_settings, read_secret_key
from huanxin.db import Database

app = typer.Typer(help="换新 Huanxin: 设备更新和消费品以旧换新服务平台", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 audit trail", no_args_is_help=True)
user_app = typer.Typer(help="用户 users and tokens", no_args_is_help=True)
bench_app = typer.Typer(help="基准测试 benchmarks (print JSON)", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")
app.add_typer(bench_app, name="bench")


def _mount_domain_tools() -> None:
    from huanxin.equipment.cli import app as equipment_app
    from huanxin.federation.cli import federation_app, registry_app
    from huanxin.integrity.cli import integrity_app
    from huanxin.ledger.cli import ledger_app
    from huanxin.policy.cli import policy_app
    from huanxin.recycling.cli import app as recycling_app
    from huanxin.recycling.cli import dispatch_app
    from huanxin.secondhand.cli import app as secondhand_app
    from huanxin.supervision.cli import app as supervision_app
    from huanxin.supervision.cli import plan_app

    app.add_typer(dispatch_app, name="dispatch", help="调度 dispatch: solve VRPTW instances")
    app.add_typer(integrity_app, name="integrity", help="骗补识别 integrity: synth, scan")
    app.add_typer(ledger_app, name="ledger", help="预算账本 budget ledger: check, balances")
    app.add_typer(secondhand_app, name="secondhand", help="二手流通 second-hand circulation")
    app.add_typer(recycling_app, name="recycling", help="回收 recycling: plan-day, demo")
    app.add_typer(equipment_app, name="equipment", help="设备更新 equipment renewal: template")
    app.add_typer(
        supervision_app, name="supervision", help="专班台账 task ledger: import, reminders"
    )

    app.add_typer(plan_app, name="plan", help="实施方案 implementation plans: import")
    app.add_typer(registry_app, name="registry", help="全国补贴登记中心 national registry")
    app.add_typer(federation_app, name="federation", help="跨省协同 registry: drain, publish")

    app.add_typer(
        policy_app, name="policy", help="补贴政策 subsidy programmes: quote, validate, sync"
    )

    @policy_app.command("sync")
    def policy_sync(policies_dir: Path | None = None) -> None:
        """Store new programme versions from policies/ in the database."""
        from huanxin.core.audit import SYSTEM
        from huanxin.policy import service

        with _db().unit_of_work() as session:
            result = service.sync_dir(session, SYSTEM, policies_dir)
        typer.echo(f"loaded {len(result.loaded)} new versions, {result.unchanged} unchanged")


_mount_domain_tools()


def _mount_ops_tools() -> None:
    from huanxin.ops.cli import register

    register(app, user_app)


_mount_ops_tools()


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


def _shared_dir() -> Path:
    """The reference folder beside the repository (benchmarks read its public instances)."""
    default = Path(__file__).resolve().parents[2].parent / "shared"
    return Path(os.environ.get("HUANXIN_SHARED_DIR", default))


@bench_app.command("plans")
def bench_plans(
    seeds: Path | None = None,
    gold: Path | None = None,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import each seed plan; time it and score it against its gold file."""
    from huanxin.supervision.plan_bench import run_bench

    shared = _shared_dir()
    result = run_bench(seeds or shared / "seeds", gold or shared / "seeds" / "gold")
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("equipment")
def bench_equipment(
    rows: int = 50_000,
    seed: int = 1,
    database_url: str | None = None,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import, store and classify a synthetic equipment ledger of ROWS rows (SQLite default)."""
    import tempfile

    from huanxin.equipment.bench import run_bench

    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(rows, seed, Path(tmp), database_url)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("dispatch")
def bench_dispatch(
    quick: bool = typer.Option(False, help="two instances, 1 s each, a small county day"),
    solomon: Path | None = None,
    instances: str = typer.Option("", help="names or patterns, e.g. C1*,R101; none: skip"),
    seconds: str = typer.Option("10,30", help="time limits per instance, e.g. 10 or 10,30"),
    county: str = typer.Option("1000x40,5000x80", help="BOOKINGSxVEHICLES list, or none"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Solomon gaps at 10 s and 30 s per instance, and a synthetic county day."""
    from huanxin.recycling.cli import bench_result

    folder = solomon or _shared_dir() / "data" / "solomon"
    result = bench_result(folder, quick=quick, instances=instances, seconds=seconds, county=county)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("integrity")
def bench_integrity(
    claims: int = 10_000_000,
    seed: int = 7,
    workdir: Path = Path("var/bench"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Full and one-day scans of synthetic claims with labelled fraud; precision/recall."""
    from huanxin.integrity.bench import run_bench

    workdir.mkdir(parents=True, exist_ok=True)
    result = run_bench(claims, seed, workdir)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("spark")
def bench_spark(
    claims: int = 2_000_000,
    seed: int = 7,
    cores: int = 2,
    workdir: Path = Path("var/bench"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The detectors on local Spark over a province-partitioned synthetic set (needs the
    spark extra and Java 17), beside DuckDB on the same claims."""
    from huanxin.integrity.spark_bench import run_bench

    workdir.mkdir(parents=True, exist_ok=True)
    result = run_bench(claims, seed, workdir, cores)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("claims")
def bench_claims(
    seconds: float = 10.0,
    clients: int = 64,
    workers: int = 2,
    pg_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Point-of-sale redemptions over HTTP (hot pool, 100 pools) on PostgreSQL and SQLite."""
    import tempfile

    from huanxin.claims.bench import run_bench

    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(
            seconds=seconds,
            clients=clients,
            pg_url=pg_url or None,
            sqlite_dir=Path(tmp),
            workers=workers,
        )
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("federation")
def bench_federation(
    provinces: int = 3,
    per_province: int = 600,
    duplicates: int = 40,
    clients: int = 24,
    down_seconds: float = 5.0,
    pg_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The registry and PROVINCES deployments on PostgreSQL; an outage mid-run; planted
    cross-province duplicates (details on the line before the last)."""
    import secrets
    import tempfile

    os.environ.setdefault("HUANXIN_SECRET_KEY", secrets.token_urlsafe(32))  # this run only
    get_settings.cache_clear()
    from huanxin.federation.bench import SUMMARY_KEYS, run_bench

    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(
            provinces=provinces,
            per_province=per_province,
            duplicates=duplicates,
            clients=clients,
            down_seconds=down_seconds,
            workdir=Path(tmp),
            admin_url=pg_url,
        )
    echo_json(result)
    summary = {k: result[k] for k in SUMMARY_KEYS}
    echo_json(summary) if as_json else typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
