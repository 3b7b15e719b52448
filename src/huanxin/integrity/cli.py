"""`huanxin integrity` commands."""

import typer

app = typer.Typer(help="integrity", no_args_is_help=True)
