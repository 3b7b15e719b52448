"""Each role's home in chromium at 390 px and 1366 px: no sideways scroll, every figure
(value, unit, note) inside its card, the charts inside theirs, and the next actions (待办)
first. Screenshots are kept under ``var/journeys`` (or ``$HUANXIN_SHOTS``) as test
artefacts; the dashboard tables become cards on a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from builders import ui_login as login

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("HUANXIN_SHOTS") or Path(__file__).parents[2] / "var" / "journeys")

# Elements that stick out of their card: a card narrower than its content, or a child whose
# box crosses the card's edge.
OUTSIDE = """() => {
  const bad = [];
  for (const card of document.querySelectorAll('.figure, .home-chart')) {
    const box = card.getBoundingClientRect();
    if (card.scrollWidth > card.clientWidth + 1) bad.push(card.innerText.slice(0, 40));
    for (const part of card.querySelectorAll('.label, .value, .note, svg')) {
      const r = part.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1) bad.push(part.textContent.slice(0, 40));
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize(
    "role", ["office", "merchant", "finance", "consumer", "recycler", "enterprise", "department"]
)
def test_home_fits_and_leads_with_next_actions(
    browser: Any, server: str, role: str, width: int
) -> None:
    page = login(browser, server, f"{role}.140521", viewport={"width": width, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{role}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OUTSIDE) == []
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "待办"
    assert page.locator("#home-todo a.figure[href]").count() >= (2 if role != "recycler" else 1)
    if role == "office":
        assert page.locator(".home-chart svg").count() == 1
        assert "元）" in page.locator(".home-chart h2").inner_text()
    page.close()


@pytest.mark.parametrize("path", ["/ledger", "/clocks", "/supervision/indicators", "/equipment"])
def test_dashboard_tables_become_cards_on_a_phone(browser: Any, server: str, path: str) -> None:
    page = login(browser, server, "office.140521", viewport={"width": 390, "height": 900})
    page.goto(server + path)
    page.wait_for_load_state("load")
    tables = page.locator("table.cards-sm")
    assert tables.count() >= 1
    wide = page.evaluate(
        "[...document.querySelectorAll('table.cards-sm')]"
        ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
    )
    assert wide == 0
    cells = page.locator("table.cards-sm tbody td:not([colspan])").count()
    assert page.locator("table.cards-sm tbody td[data-label]").count() == cells
    page.close()
