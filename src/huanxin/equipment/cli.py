"""`huanxin equipment` commands (the benchmark is ``huanxin bench equipment``)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="equipment", no_args_is_help=True)


@app.command("template")
def template(path: Path) -> None:
    """Write an empty ledger template (.xlsx or .csv)."""
    from huanxin.equipment.ledger_io import write_template

    typer.echo(str(write_template(path)))
