"""``huanxin registry …`` (the national registry) and ``huanxin federation …`` (a
deployment's side: drain the queue, publish the roll-up, show the queue)."""

from __future__ import annotations

import json
import os
from datetime import date
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from huanxin.db import Database
    from huanxin.federation.service import Federation

registry_app = typer.Typer(help="全国补贴登记中心 national registry", no_args_is_help=True)
federation_app = typer.Typer(help="跨省协同 deployment side of the registry", no_args_is_help=True)


def _registry_url(database_url: str | None) -> str:
    url = database_url or os.environ.get("HUANXIN_REGISTRY_DATABASE_URL", "")
    if not url:
        typer.echo("set HUANXIN_REGISTRY_DATABASE_URL or pass --database-url", err=True)
        raise typer.Exit(2)
    return url


@registry_app.command("serve")
def serve(
    host: str = "127.0.0.1", port: int = 8900, database_url: str | None = None, workers: int = 1
) -> None:
    """Serve the registry (creates its tables if missing)."""
    import uvicorn

    os.environ["HUANXIN_REGISTRY_DATABASE_URL"] = _registry_url(database_url)
    uvicorn.run(
        "huanxin.federation.registry.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@registry_app.command("add-deployment")
def add_deployment(code: str, name: str, database_url: str | None = None) -> None:
    """Register a province (e.g. 370000 山东省) and print its bearer token (shown once)."""
    from huanxin.db import Database
    from huanxin.federation.registry import service
    from huanxin.federation.registry.models import RegistryBase

    db = Database(_registry_url(database_url))
    RegistryBase.metadata.create_all(db.engine)
    with db.unit_of_work() as session:
        typer.echo(service.add_deployment(session, code=code, name=name))
    db.dispose()


@registry_app.command("decide")
def decide(
    match_id: int,
    outcome: str = typer.Option(..., help="holder_keeps | challenger_keeps"),
    database_url: str | None = None,
) -> None:
    """The national office's decision on a disputed match (both provinces kept)."""
    from huanxin.db import Database
    from huanxin.federation.registry import service
    from huanxin.federation.registry.models import Match

    if outcome not in {"holder_keeps", "challenger_keeps"}:
        raise typer.BadParameter("holder_keeps or challenger_keeps")
    db = Database(_registry_url(database_url))
    with db.unit_of_work() as session:
        match = session.get(Match, match_id, with_for_update=True)
        if match is None or match.status != "disputed":
            typer.echo(f"match {match_id} is not disputed", err=True)
            raise typer.Exit(1)
        service.decide(session, match, outcome)
    db.dispose()
    typer.echo(f"match {match_id}: {outcome}")


@registry_app.command("national")
def national(database_url: str | None = None) -> None:
    """Print the national roll-up (latest publication per province) as JSON."""
    from huanxin.db import Database
    from huanxin.federation.registry import service

    db = Database(_registry_url(database_url))
    with db.sessions() as session:
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "as_of": p.as_of and p.as_of.isoformat(),
                "figures": p.figures,
            }
            for p in service.national_view(session)
        ]
    db.dispose()
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))


def _deployment() -> tuple[Database, Federation]:
    from huanxin.config import get_settings
    from huanxin.db import Database
    from huanxin.federation.settings import from_env
    from huanxin.federation.wiring import federation_of

    settings = from_env()
    if settings is None:
        typer.echo("no registry configured (HUANXIN_REGISTRY_URL)", err=True)
        raise typer.Exit(2)
    return Database(get_settings().database_url), federation_of(settings)


@federation_app.command("drain")
def drain_cmd() -> None:
    """Send queued claims and releases to the registry; refresh the matches."""
    from dataclasses import asdict

    from huanxin.federation.drain import drain

    db, fed = _deployment()
    typer.echo(json.dumps(asdict(drain(db, fed))))


@federation_app.command("publish")
def publish_cmd(as_of: str = typer.Option("", help="YYYY-MM-DD; default today")) -> None:
    """Publish this deployment's aggregates to the registry's national roll-up."""
    from huanxin.core.clock import today_cn
    from huanxin.federation import rollup

    db, fed = _deployment()
    day = date.fromisoformat(as_of) if as_of else today_cn()
    with db.sessions() as session:
        typer.echo(json.dumps(rollup.publish(session, fed, day), ensure_ascii=False))


@federation_app.command("rekey")
def rekey_cmd(batch: int = 500) -> None:
    """After a new HUANXIN_FEDERATION_KEY version: claim every confirmed key again under it
    (the registry drops this province's rows of the previous version)."""
    from sqlalchemy import select

    from huanxin.claims.service import national
    from huanxin.federation.models import KeyState, NationalClaim

    db, fed = _deployment()
    done = last = 0
    while True:
        with db.unit_of_work() as session:
            stmt = select(NationalClaim).where(
                NationalClaim.state == KeyState.confirmed.value, NationalClaim.claim_id > last
            )
            rows = list(session.scalars(stmt.order_by(NationalClaim.claim_id).limit(batch)))
            for row in rows:
                keys = national.keys_for(session, row.claim_id)
                done += bool(keys and fed.reclaim(session, keys))
        if len(rows) < batch:
            break
        last = rows[-1].claim_id
    typer.echo(json.dumps({"reclaimed": done}))
