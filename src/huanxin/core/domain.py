"""The descriptor a domain gives of what it plugs into the platform. Each domain declares
``DOMAIN`` in its package ``__init__``; ``huanxin.domains`` lists them, and the app, the CLI,
the menu, the home page, the model registry and the demo iterate that one list.

Parts are named as ``"module"`` or ``"module:attribute"`` and imported when used, so reading
the list imports no domain code (the CLI starts fast, the web app imports what it serves)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    """A Typer group mounted as ``huanxin <name>``."""

    name: str
    app: str  # "module:attribute" of the typer.Typer
    help: str


@dataclass(frozen=True)
class Domain:
    name: str
    models: tuple[str, ...] = ()  # modules declaring ORM models (Alembic sees them all)
    api: tuple[str, ...] = ()  # modules whose ``router`` serves /api/v1/..., in order
    pages: tuple[str, ...] = ()  # modules whose ``router`` serves the Chinese pages, in order
    menu: str | None = None  # module whose ``MENU`` lists the menu entries
    home: str | None = None  # "module:function" (session, actor) -> home-page figures
    commands: tuple[Command, ...] = ()
    cli_register: str | None = None  # "module:function" (app, user_app) adding commands
    demo: str | None = None  # "module:function" (session[, claims=N]) loading demo data
    demo_order: int = 0  # demos load in ascending order (a domain after those it reads)
    benchmarks: tuple[str, ...] = ()  # names under ``huanxin bench`` (bench/, a checkout)
    wire: str | None = None  # "module:function" () installing its adapters on the ports of others
    platform: bool = False  # the platform's own operations: menu after the shell's admin


def load(ref: str) -> Any:
    """The object a ``"module:attribute"`` (or ``"module"``) reference names."""
    module, _, attribute = ref.partition(":")
    found = importlib.import_module(module)
    return getattr(found, attribute) if attribute else found
