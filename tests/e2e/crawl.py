"""Walk every page of every demo role that a person can reach from the menu in chromium and
list what a person should never see: a link that does not answer 200, raw identifiers in the
visible text, a page wider than the screen, serious or critical axe-core violations. From the
menu pages it follows same-origin links two deep, one instance per route template per role.
Each page loads once at 1366 px and is looked at again at 390 px; axe runs once per route
template. Used by ``test_crawl_ui.py``; runnable against a running demo server:

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
WORD = re.compile(r"(?<![\w./-])[A-Za-z]+(?![\w./-])")
# a login name is shown as such (office.140521); file types are names people know
LOGIN = re.compile(r"^[a-z]+\d*\.\d{6}$")
ALLOWED = {"xlsx", "docx", "pdf", "csv"}
# English a person should never see in place of a Chinese message
LEAKS = {"None", "null", "True", "False", "undefined", "NaN", "nan", "Traceback", "Error"}
# an id where a name belongs: "#19", "商户 13", "操作人 #21"
HASH_ID = re.compile(r"(?<![\w&])#\d+")
WHO_ID = re.compile(
    r"(?:商户|操作人|企业|用户|账号|经办人|审核人|司机|回收企业|门店) ?#?\d+(?![\d,.]* ?[家个件条次台人名天元%])"
)
# an internal reference (claim:56, year_end:3) where a sentence belongs
REF = re.compile(r"(?<![\w/])[a-z_]+:\d+")
# a bare 区划 code (140521) where the jurisdiction's name belongs
REGION = re.compile(r"(?<![\w.#/:-])[1-6]\d{5}(?![\w.%/-])")
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
    ids = set(HASH_ID.findall(text)) | set(WHO_ID.findall(text)) | set(REGION.findall(text))
    ids |= set(REF.findall(text))
    return sorted(snake | words | ids)


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
    for ident in page.eval_on_selector_all(".ident", "els => els.map(e => e.innerText)"):
        text = text.replace(ident, "")  # an identifier shown as such (区划代码 140521)
    words = raw_words(text)
    if words:
        found.append(Finding(user, path, vp, "raw_text", " ".join(words[:12])))
    extra = sideways(page)
    if extra:
        found.append(Finding(user, path, vp, "sideways", f"{extra}px"))
    return found


def check_page(page: Any, user: str, path: str, axe: bool) -> list[Finding]:
    """One page, loaded once at 1366 px (axe when asked) and looked at again at 390 px:
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


def _page_templates() -> list[tuple[re.Pattern[str], str]]:
    """Every GET page route of the app as (regex, template), most specific first."""
    from starlette.routing import compile_path

    from app_routes import _walk  # tests/ is on the path (pyproject pythonpath)
    from huanxin.app import PAGE_ROUTERS

    found = {
        path
        for router in PAGE_ROUTERS
        for path, route in _walk(router.routes, "")
        if "GET" in route.methods
    }
    # a literal segment beats a parameter: /claims/new before /claims/{claim_id}
    ordered = sorted(found, key=lambda p: (p.count("{"), -len(p)))
    return [(compile_path(p)[0], p) for p in ordered]


TEMPLATES = _page_templates()
# downloads, logout, and tap-to-call (audited; it answers with a tel: address)
SKIP = re.compile(r"(logout|/call$|/download|/export|\.(xlsx|pdf|docx|csv|zip|png|json)$)", re.I)
LINKS_JS = """() => [...document.querySelectorAll('main a[href]')]
  .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
  .map(a => a.pathname + a.search)"""


def template_of(path: str) -> str | None:
    """The page route a path belongs to (None for a path that is not a page)."""
    bare = path.split("?", 1)[0]
    return next((tpl for rx, tpl in TEMPLATES if rx.match(bare)), None)


def _links(page: Any) -> list[str]:
    return [h for h in page.evaluate(LINKS_JS) if not SKIP.search(h.split("?", 1)[0])]


def _visit(page: Any, user: str, path: str, axed: set[str]) -> tuple[list[Finding], list[str]]:
    """Check one page (axe once per route template in the whole run); its findings, links."""
    tpl = template_of(path) or path
    found = check_page(page, user, path, tpl not in axed)
    axed.add(tpl)
    if any(f.kind == "status" for f in found):
        return found, []
    return found, _links(page)


def crawl_user(
    browser: Any,
    server: str,
    user: str,
    *,
    axed: set[str] | None = None,
    depth: int = 2,
    visited: set[str] | None = None,
) -> list[Finding]:
    """Every menu page of ``user``'s role, then the pages their links open, ``depth`` links
    deep: one instance per route template per role (a second list row opens the same page
    with other data, so the crawl stays bounded). Axe runs on a template not yet in
    ``axed`` (and adds it), so a crawl of several roles checks each template once."""
    role = user.split(".", maxsplit=1)[0]
    seen = set() if axed is None else axed
    findings: list[Finding] = []
    done: set[str] = set() if visited is None else visited
    frontier = [item.href for item in menu_for(role)]
    page = login(browser, server, user, DESKTOP)
    try:
        for level in range(depth + 1):
            links: list[str] = []
            for path in frontier:
                tpl = template_of(path)
                if level and (tpl is None or tpl in done):
                    continue  # not a page, or this role has seen one of its kind
                done.add(tpl or path)
                found, more = _visit(page, user, path, seen)
                findings += found
                links += more
            frontier = links
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
            visited: set[str] = set()
            for f in crawl_user(browser, server, user, axed=axed, visited=visited):
                print(json.dumps(asdict(f), ensure_ascii=False), flush=True)
            print(user, len(visited), " ".join(sorted(visited)), file=sys.stderr)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
