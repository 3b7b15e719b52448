"""What the supervision pages share on top of the page kit (``web.kit.forms``, which runs
their forms): the permissions a page asks for, the form field type, the field readers with
their own labels, and rendering a page with a refusal's message."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from huanxin.core.actor import Actor
from huanxin.core.bounds import LongText
from huanxin.web.deps import page_require
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

Reader = Annotated[Actor, Depends(page_require("supervision:read"))]
Writer = Annotated[Actor, Depends(page_require("supervision:write"))]
Text = Annotated[LongText, Form()]  # each page parses and bounds its fields further


def day(text: str, field: str, label: str, *, required: bool = False) -> date | None:
    """A date typed in a form (YYYY-MM-DD), refused by its label when malformed."""
    found: date | None = kit.value(kit.Day if required else kit.OptionalDay, text, field, label)
    return found


def number(text: str, field: str, label: str) -> int | None:
    """An id picked in a form; empty means none."""
    found: int | None = kit.value(kit.OptionalWhole, text, field, label)
    return found


def page(
    request: Request, template: str, exc: kit.PageError | None = None, **context: Any
) -> HTMLResponse:
    """``template`` with ``context``; after a refusal, its message and status."""
    return render(
        request,
        template,
        status_code=exc.status if exc else 200,
        error=exc.message if exc else None,
        **context,
    )
