"""Recycling and second-hand endpoints do their database work off the event loop.

A page that read its form with ``await request.form()`` had to be an ``async def``, so its
queries and its commit ran on the loop: on SQLite, waiting there for the write lock stopped
every other request and the lock holder's own commit (tests/web/test_upload_off_loop.py
shows the case for uploads). These pages take the form as ``kit.Posted`` (received before
the endpoint runs) and are plain ``def`` endpoints that FastAPI runs in a worker thread.
"""

from __future__ import annotations

import inspect

from app_routes import all_routes

DOMAINS = ("huanxin.recycling.", "huanxin.secondhand.")


def test_every_recycling_and_secondhand_endpoint_is_a_plain_def() -> None:
    ours = [(p, r) for p, r in all_routes() if r.endpoint.__module__.startswith(DOMAINS)]
    forms = [p for p, r in ours if "POST" in r.methods and ".pages." in r.endpoint.__module__]
    assert len(forms) >= 30  # the walk sees the pages' forms
    assert [p for p, r in ours if inspect.iscoroutinefunction(r.endpoint)] == []
