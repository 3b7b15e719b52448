"""`huanxin equipment` commands, and the benchmark the lead wires as
`huanxin bench equipment --json` (``huanxin.equipment.bench.run_bench``)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer

app = typer.Typer(help="equipment", no_args_is_help=True)


@app.command("template")
def template(path: Path) -> None:
    """Write an empty ledger template (.xlsx or .csv)."""
    from huanxin.equipment.ledger_io import write_template

    typer.echo(str(write_template(path)))


@app.command("bench")
def bench(rows: int = 50_000, seed: int = 1, database_url: str | None = None) -> None:
    """Import, store and classify ROWS synthetic rows through the service; print JSON."""
    from huanxin.equipment.bench import run_bench

    with tempfile.TemporaryDirectory() as tmp:
        result = run_bench(rows, seed, Path(tmp), database_url)
    typer.echo(json.dumps(result, ensure_ascii=False))
