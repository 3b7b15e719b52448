"""Form helpers the secondhand pages share: parsing fields into typed values with a Chinese
refusal naming the field, and running a form action (roll back and show the page on refusal)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.errors import DomainError, InvalidInput
from huanxin.core.money import parse_yuan


def fen(text: str, field: str) -> int:
    try:
        return parse_yuan(text)
    except ValueError:
        raise InvalidInput("金额格式不正确（单位：元，最多两位小数）", field=field) from None


def day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("日期格式不正确（应为YYYY-MM-DD）", field=field) from None


def number(text: str, field: str) -> int:
    if not text.strip().lstrip("-").isdigit():
        raise InvalidInput("必须是整数", field=field)
    return int(text)


def percent_bp(text: str, field: str) -> int:
    """A percentage typed as ``45`` or ``45.5`` in basis points (4500, 4550)."""
    try:
        return parse_yuan(text)
    except ValueError:
        raise InvalidInput("百分比格式不正确（如 45 或 45.5）", field=field) from None


async def form_of(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


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
    """Run a form action; on a refusal roll back and show the page with the message."""
    try:
        run()
    except DomainError as exc:
        session.rollback()
        response = page(exc.message, form)
        response.status_code = exc.status
        return response
    return RedirectResponse(back, status_code=303)
