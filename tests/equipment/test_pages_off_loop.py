"""The equipment pages do their database work off the event loop: every page endpoint is a
plain ``def`` and a posted form arrives as ``kit.Posted`` (``web/kit/forms.py``), never as an
``async def`` that awaits ``request.form()`` and then queries on the loop."""

from __future__ import annotations

import inspect

from app_routes import all_routes


def test_every_equipment_page_runs_off_the_loop() -> None:
    pages = [(p, r) for p, r in all_routes() if p.startswith("/equipment")]
    posts = [p for p, r in pages if "POST" in r.methods]
    assert len(posts) >= 6  # the walk sees the page forms
    assert [p for p, r in pages if inspect.iscoroutinefunction(r.endpoint)] == []
