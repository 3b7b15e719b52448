"""Walk every menu page of every demo role in chromium and list what a person should never see:
raw identifiers in the visible text, a page wider than the screen, serious or critical axe-core
violations. Used by ``test_crawl_ui.py``; runnable against a running demo server:

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


def check_page(page: Any, user: str, path: str, vp: str, axe: bool) -> list[Finding]:
    found = []
    origin = "/".join(page.url.split("/")[:3])
    response = page.goto(origin + path)
    page.wait_for_load_state("load")
    status = response.status if response else 0
    if status != 200:
        return [Finding(user, path, vp, "status", str(status))]
    main = page.locator("main").first
    text = main.inner_text() if main.count() else page.inner_text("body")
    words = raw_words(text) if vp == "desktop" else []
    if words:
        found.append(Finding(user, path, vp, "raw_text", " ".join(words[:12])))
    extra = sideways(page)
    if extra:
        found.append(Finding(user, path, vp, "sideways", f"{extra}px"))
    if axe:
        violations = axe_findings(page)
        if violations:
            found.append(Finding(user, path, vp, "axe", " ".join(violations)))
    return found


def crawl_user(browser: Any, server: str, user: str, *, axe: bool = True) -> list[Finding]:
    role = user.split(".", maxsplit=1)[0]
    findings: list[Finding] = []
    for vp_name, vp in (("desktop", DESKTOP), ("phone", PHONE)):
        page = login(browser, server, user, vp)
        for item in menu_for(role):
            findings += check_page(page, user, item.href, vp_name, axe and vp_name == "desktop")
        page.close()
    return findings


def main(server: str) -> None:
    from playwright.sync_api import sync_playwright
    from tests.e2e.conftest import CHROMIUM, FLAGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        for user in USERS:
            for f in crawl_user(browser, server, user):
                print(json.dumps(asdict(f), ensure_ascii=False), flush=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
