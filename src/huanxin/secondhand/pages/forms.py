"""What the secondhand pages share on top of the page kit (``web.kit.forms``): the kit's
field readers under the names these pages use, the page a form returns to, and running a
form action (the kit rolls back, audits a scope refusal and shows the page again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.web.kit import forms as kit


def fen(text: str, field: str) -> int:
    return int(kit.value(kit.Amount, text, field))


def day(text: str, field: str) -> date:
    found: date = kit.value(kit.Day, text, field)
    return found


def number(text: str, field: str) -> int:
    return int(kit.value(kit.Integer, text, field))


def percent_bp(text: str, field: str) -> int:
    """A percentage typed as ``45`` or ``45.5`` in basis points (4500, 4550)."""
    return int(kit.value(kit.Percent, text, field))


def back_to(form: dict[str, str], allowed: tuple[str, ...]) -> str:
    """The page a form returns to: its ``back`` field if listed, else the first allowed."""
    wanted = form.get("back", "")
    return wanted if wanted in allowed else allowed[0]


def act(
    request: Request,
    session: Session,
    run: Callable[[], Any],
    back: str,
    page: Callable[[str | None, dict[str, str]], HTMLResponse],
    form: dict[str, str],
) -> Response:
    """Run a form action; on a refusal the kit shows the page with the message."""

    def change() -> str:
        run()
        return back

    return kit.submit(request, session, change, lambda error: page(error.message, form))
