"""Supervision endpoints do their database work in a worker thread: every one is a plain
``def`` (a page takes its posted form as ``kit.Posted``, received on the event loop), so a
page waiting for the SQLite write lock never stops the server (ARCHITECTURE.md, rule 10).
Five pages read ``await request.form()`` in an ``async def`` and then queried and wrote on
the loop (bulletins, report templates, public content, a plan's review, attendance)."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from app_routes import all_routes
from huanxin.web.kit import forms


def _supervision() -> list[tuple[str, APIRoute]]:
    prefixes = ("/supervision", "/api/v1/supervision", "/public")
    return [(path, r) for path, r in all_routes() if path.startswith(prefixes)]


def test_no_supervision_endpoint_runs_on_the_event_loop() -> None:
    routes = _supervision()
    assert len(routes) > 60  # the walk sees the domain's pages and API
    assert [p for p, r in routes if inspect.iscoroutinefunction(r.endpoint)] == []


def test_the_pages_that_read_a_free_form_take_it_posted() -> None:
    posted = {
        (p, m)
        for p, r in _supervision()
        for m in r.methods
        if any(d.call is forms.posted for d in r.dependant.dependencies)
    }
    for path in (
        "/supervision/bulletins",
        "/supervision/bulletins/templates",
        "/supervision/public-content",
        "/supervision/plans/{plan_id}/review",
        "/supervision/meetings/{meeting_id}/attendance",
    ):
        assert (path, "POST") in posted
