"""Browser: a consumer books a pickup on a phone; a driver's page draws the route as SVG."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from huanxin.core.clock import today_cn
from huanxin.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}}


def _env(db_path: Path) -> dict[str, str]:
    return {**os.environ, "HUANXIN_DATABASE_URL": f"sqlite:///{db_path}",
            "HUANXIN_COOKIE_SECURE": "false", "HUANXIN_ARGON2_PROFILE": "test"}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def rserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The foundation demo plus the recycling demo, served by uvicorn."""
    env = _env(tmp_path_factory.mktemp("e2e-recycling") / "demo.db")
    code = ("from huanxin.cli import _db; from huanxin import demo; from huanxin.migrate import upgrade\n"
            "from huanxin.config import get_settings; from huanxin.recycling.demo import build_demo\n"
            "upgrade(get_settings().database_url)\n"
            "with _db().unit_of_work() as s: demo.build(s)\n"
            "with _db().unit_of_work() as s: build_demo(s)")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "huanxin.asgi:app", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(base + "/api/v1/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def login(browser: Any, server: str, username: str, **context: Any) -> Any:
    page = browser.new_page(**context)
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def test_consumer_books_on_phone(browser: Any, rserver: str) -> None:
    page = login(browser, rserver, "consumer.140521", **PHONE)
    page.goto(rserver + "/recycling/book")
    page.fill("input[name=address]", "沁水县龙港镇演示小区3号楼")
    page.fill("input[name=lat]", "35.70")
    page.fill("input[name=lon]", "112.20")
    page.fill("input[name=service_date]", (today_cn() + timedelta(days=2)).isoformat())
    page.select_option("select[name=category0]", "television")
    page.fill("input[name=weight0]", "15")
    page.click("#book-form button[type=submit]")
    assert "预约已提交" in page.inner_text("#created")
    first = page.locator("#my-bookings tbody tr").first
    assert first.locator(".quote").inner_text() == "30.00"
    assert first.locator(".status").inner_text() == "已预约"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_driver_page_draws_route(browser: Any, rserver: str) -> None:
    page = login(browser, rserver, "recycler.140521", **PHONE)
    page.goto(rserver + "/recycling/dispatch?jurisdiction_code=140521&service_date=2026-03-16")
    page.click("#routes a >> nth=0")
    svg = page.locator("#route-drawing svg")
    assert svg.count() == 1
    stops = page.locator("#stops li").count()
    assert stops > 0 and page.locator("#route-drawing circle.stop").count() == stops
    assert page.locator("#route-drawing polyline.route-line").count() == 1
    page.close()
