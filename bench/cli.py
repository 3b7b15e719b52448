"""``huanxin bench NAME``: the platform's benchmarks (each prints JSON, the result on its last
line). Mounted by ``huanxin.cli`` when the checkout's ``bench/`` is beside ``src/``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

from huanxin.config import get_settings
from huanxin.core.errors import DomainError

bench_app = typer.Typer(help="基准测试 benchmarks (print JSON)", no_args_is_help=True)


def echo_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _shared_dir() -> Path:
    """The reference folder beside the repository (benchmarks read its public instances)."""
    default = Path(__file__).resolve().parents[1].parent / "shared"
    return Path(os.environ.get("HUANXIN_SHARED_DIR", default))


@bench_app.command("plans")
def bench_plans(
    seeds: Path | None = None,
    gold: Path | None = None,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import each seed plan; time it and score it against its gold file."""
    from bench.plans import run_bench

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

    from bench.equipment import run_bench

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
    from bench.integrity import run_bench

    workdir.mkdir(parents=True, exist_ok=True)
    result = run_bench(claims, seed, workdir)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("integrity-db")
def bench_integrity_db(
    claims: int = 100_000,
    seed: int = 7,
    admin_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    workdir: Path = Path("var/bench"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Synthetic claims with labelled fraud loaded into a fresh PostgreSQL database through
    the capture path; full and daily scan-db; precision/recall per kind."""
    from bench.integrity_db import run_bench

    workdir.mkdir(parents=True, exist_ok=True)
    result = run_bench(claims, seed, admin_url, workdir)
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
    from bench.integrity_spark import run_bench

    workdir.mkdir(parents=True, exist_ok=True)
    result = run_bench(claims, seed, workdir, cores)
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("claims")
def bench_claims(
    seconds: float = 10.0,
    clients: int = 64,
    workers: int = 2,
    pg_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    burst_consumers: int = 50_000,
    case: list[str] = typer.Option(
        [], "--case", help="only this case (repeatable): hot_pool, many_pools, bulk, quota_burst"
    ),
    database: list[str] = typer.Option(
        [], "--database", help="only this database (repeatable): postgresql, sqlite"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Point-of-sale redemptions over HTTP (hot pool, 100 pools) on PostgreSQL and SQLite,
    bulk submission and the quota-release burst on PostgreSQL (``--burst-consumers 0`` leaves
    the burst out; ``--case``/``--database`` run only the ones named)."""
    import tempfile

    from bench.claims import ALL_CASES, DATABASES, run_bench

    for name in (*case, *database):
        if name not in (*ALL_CASES, *DATABASES):
            typer.echo(f"错误：未知的用例或数据库 {name}", err=True)
            raise typer.Exit(2)

    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(
            seconds=seconds,
            clients=clients,
            pg_url=pg_url or None,
            sqlite_dir=Path(tmp),
            workers=workers,
            burst_consumers=burst_consumers,
            cases=tuple(case) or ALL_CASES,
            databases=tuple(database) or DATABASES,
        )
    echo_json(result) if as_json else typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@bench_app.command("quota-burst")
def bench_quota_burst(
    consumers: int = 50_000,
    offered: int = 2_000,
    clients: int = 64,
    workers: int = 2,
    pg_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Only the quota-release burst of ``bench claims`` (its ``postgresql.quota_burst``)."""
    from bench.claims import _ensure_secret
    from bench.quota_burst import run_burst

    _ensure_secret()
    burst = run_burst(
        pg_url, consumers=consumers, clients=clients, workers=workers, offered=offered
    )
    result = {"postgresql": {"quota_burst": burst}}
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
    from bench.federation import SUMMARY_KEYS, run_bench

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


def bench_result(
    folder: Path, *, quick: bool, instances: str, seconds: str, county: str
) -> dict[str, object]:
    """The dispatch benchmark's dict; a bad option or instance file exits 1 with the reason."""
    from bench.dispatch import options_bench, quick_bench

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
