"""Every page of every role that a person reaches from the menu (the menu pages and the pages
their links open, two links deep, one per route template per role), as a person sees it in
chromium: answers 200, no raw code in the visible text and no sideways scroll at 1366 px and at
390 px, no serious or critical axe-core violation (checked once per route template, at
1366 px). One test per role of 沁水县 and per office of 晋城市 and 山西省, all sharing the demo
server and one browser (``crawl.py`` does the looking).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import pytest
from tests.e2e import crawl

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axed() -> set[str]:
    """Route templates axe has already checked in this run (each once, by the first role)."""
    return set()


@pytest.mark.parametrize("user", crawl.USERS)
def test_reachable_pages_show_no_codes_no_sideways_scroll_no_serious_violations(
    server: str, browser: Any, axed: set[str], user: str
) -> None:
    findings = crawl.crawl_user(browser, server, user, axed=axed)
    lines = [json.dumps(asdict(f), ensure_ascii=False) for f in findings]
    assert not findings, f"{len(findings)} findings on the pages {user} reaches:\n" + "\n".join(
        lines
    )
