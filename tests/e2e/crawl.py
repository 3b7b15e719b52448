"""Walk every menu page of every demo role in chromium and list what a person should never see:
raw identifiers in the visible text, a page wider than the screen, serious or critical axe-core
violations. Each page loads once at 1366 px and is looked at again at 390 px; axe runs once per
path. Used by ``test_crawl_ui.py``; runnable against a running demo server:

    python tests/e2e/crawl.py http://127.0.0.1:8000 > findings.json
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from huanxin.core.roles import Role
from huanxin.core.vocab import CATEGORY_LABELS
from huanxin.demo import DEMO_PASSWORD
from huanxin.web.nav import menu_for

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# snake_case or dotted codes (after_hours_burst, auth.login, rules.md)
SNAKE = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+(?![\w.])")
WORD = re.compile(r"(?<![\w.-])[A-Za-z]+(?![\w.-])")
# a login name is shown as such (office.140521); file types are names people know
LOGIN = re.compile(r"^[a-z]+\d*\.\d{6}$")
ALLOWED = {"xlsx", "docx", "pdf", "csv"}
# English a person should never see in place of a Chinese message
LEAKS = {"None", "null", "True", "False", "undefined", "NaN", "nan", "Traceback", "Error"}
USERS = [f"{r.value}.140521" for r in Role] + ["office.140500", "office.140000"]


def _enum_codes() -> set[str]:
    """Every persisted or policy code the platform defines (enum values, category codes)."""
    import huanxin.app  # noqa: F401  (imports every domain, so every enum is defined)

    codes: set[str] = set(CATEGORY_LABELS)
    todo = list(StrEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("huanxin."):
            codes |= {str(m.value) for m in cls}
    return {c for c in codes if len(c) >= 4 and c.isascii() and c.islower()}


CODES = _enum_codes()


@dataclass(frozen=True)
class Finding:
    user: str
    path: str
    viewport: str
    kind: str  # raw_text | sideways | axe | status
    detail: str


def login(browser: Any, server: str, username: str, viewport: dict[str, int]) -> Any:
    page = browser.new_page(viewport=viewport)
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def raw_words(text: str) -> list[str]:
    """Codes and English leaks in a page's visible text."""
    snake = {
        w for w in SNAKE.findall(text) if not LOGIN.match(w) and w.split(".")[-1] not in ALLOWED
    }
    words = {w for w in WORD.findall(text) if w in CODES or w in LEAKS}
    return sorted(snake | words)


def sideways(page: Any) -> int:
    """Pixels the document is wider than the viewport (0 when it fits)."""
    width = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return max(0, int(width))


def axe_findings(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    bad = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{v['id']}({len(v['nodes'])})" for v in bad]


def _look(page: Any, user: str, path: str, vp: str) -> list[Finding]:
    """Raw codes in the visible text and sideways scroll at the page's current width."""
    found = []
    main = page.locator("main").first
    text = main.inner_text() if main.count() else page.inner_text("body")
    words = raw_words(text)
    if words:
        found.append(Finding(user, path, vp, "raw_text", " ".join(words[:12])))
    extra = sideways(page)
    if extra:
        found.append(Finding(user, path, vp, "sideways", f"{extra}px"))
    return found


def check_page(page: Any, user: str, path: str, axe: bool) -> list[Finding]:
    """One menu page, loaded once at 1366 px (axe when asked) and looked at again at 390 px:
    the layout is CSS media queries over the same document, so resizing is what a phone sees."""
    origin = "/".join(page.url.split("/")[:3])
    page.set_viewport_size(DESKTOP)
    response = page.goto(origin + path)
    status = response.status if response else 0
    if status != 200:
        return [Finding(user, path, "desktop", "status", str(status))]
    found = _look(page, user, path, "desktop")
    if axe:
        violations = axe_findings(page)
        if violations:
            found.append(Finding(user, path, "desktop", "axe", " ".join(violations)))
    page.set_viewport_size(PHONE)
    return found + _look(page, user, path, "phone")


def crawl_user(
    browser: Any, server: str, user: str, *, axed: set[str] | None = None
) -> list[Finding]:
    """Every menu page of ``user``'s role; axe runs on a path not yet in ``axed`` (and adds
    it), so a crawl of several roles checks each path's accessibility once."""
    role = user.split(".", maxsplit=1)[0]
    seen = set() if axed is None else axed
    findings: list[Finding] = []
    page = login(browser, server, user, DESKTOP)
    try:
        for item in menu_for(role):
            findings += check_page(page, user, item.href, item.href not in seen)
            seen.add(item.href)
    finally:
        page.close()
    return findings


def main(server: str) -> None:
    from playwright.sync_api import sync_playwright
    from tests.e2e.conftest import CHROMIUM, FLAGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        axed: set[str] = set()
        for user in USERS:
            for f in crawl_user(browser, server, user, axed=axed):
                print(json.dumps(asdict(f), ensure_ascii=False), flush=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
