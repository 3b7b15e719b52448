"""Jinja2 environment for the Chinese UI, with the filters pages use."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import select

from huanxin.core.clock import local_text
from huanxin.core.models import Jurisdiction
from huanxin.core.money import money_text, yuan_text
from huanxin.core.roles import ROLE_LABELS, Role
from huanxin.core.vocab import CATEGORIES, label_of
from huanxin.web.nav import grouped_menu_for, menu_for

_URL = re.compile(r"https?://[^\s；;，,）)]+")


def cite(text: str | None) -> Markup:
    """A source citation with its web addresses turned into short links (原文), so a long
    address neither shows as code nor widens the page."""
    parts = _URL.split(str(text or ""))
    urls = _URL.findall(str(text or ""))
    out = [escape(parts[0])]
    for url, rest in zip(urls, parts[1:], strict=True):
        out.append(
            Markup('<a href="{}" rel="noopener noreferrer" target="_blank">原文</a>').format(url)
        )
        out.append(escape(rest))
    return Markup("").join(out)


TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["money"] = money_text  # the one filter for amounts a person reads
# The same with separators but no unit, for a column whose header says （元）.
templates.env.filters["amount"] = yuan_text
templates.env.filters["when"] = local_text
templates.env.filters["role_label"] = lambda r: ROLE_LABELS.get(Role(r), r)
templates.env.filters["thousands"] = lambda n: f"{n:,}"
templates.env.filters["category"] = CATEGORIES.label
templates.env.filters["label"] = label_of
templates.env.filters["cite"] = cite


def place_names(request: Request) -> Callable[[str | None], str]:
    """``place_name(code)`` for templates: a jurisdiction's name in place of its 区划 code (the
    names load once per request, on first use, in the request's own session — a second
    session would wait on SQLite's write lock; an unknown code shows as itself)."""
    names: dict[str, str] = {}

    def place(code: str | None) -> str:
        session = getattr(request.state, "session", None)
        if not code or session is None:
            return code or ""
        if not names:
            rows = session.execute(select(Jurisdiction.code, Jurisdiction.name))
            names.update({row.code: row.name for row in rows})
        return names.get(code, code)

    return place


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    actor = getattr(request.state, "actor", None)
    context.setdefault("place_name", place_names(request))
    context.setdefault("actor", actor)
    context.setdefault("menu", menu_for(actor.role) if actor else [])
    top, groups = grouped_menu_for(actor.role) if actor else ([], [])
    context.setdefault("menu_top", top)
    context.setdefault("menu_groups", groups)
    context.setdefault("csrf_token", actor.csrf_token if actor else "")
    context.setdefault("path", request.url.path)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
