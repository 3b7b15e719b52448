"""Form plumbing of the working-mechanism pages in one place: run a change, redirect on
success; on a refusal roll back and show the same page with the message and the form kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.errors import DomainError, InvalidInput


def attempt(
    session: Session, change: Callable[[], str], page: Callable[[DomainError], HTMLResponse]
) -> Response:
    """``change`` returns where to go next; a domain refusal re-renders ``page``."""
    try:
        target = change()
    except DomainError as exc:
        session.rollback()
        return page(exc)
    return RedirectResponse(target, status_code=303)


def day(text: str, field: str, label: str, *, required: bool = False) -> date | None:
    """A date typed in a form (YYYY-MM-DD), refused by its label when malformed."""
    if not text.strip():
        if required:
            raise InvalidInput(f"请填写{label}", field=field)
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{label}格式不正确（应为YYYY-MM-DD）", field=field) from None


def number(text: str, field: str, label: str) -> int | None:
    """An id picked in a form; empty means none."""
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput(f"{label}选择不正确", field=field)
    return int(text)
