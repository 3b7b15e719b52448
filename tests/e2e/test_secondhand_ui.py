"""A buyer checks a wipe certificate on a phone, without logging in.

Runs its own server on a fresh SQLite file loaded with the core demo plus the secondhand demo
(built in-process, so it does not depend on ``huanxin demo`` wiring ``build_demo``)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from huanxin.db import Database
from huanxin.migrate import upgrade
from huanxin.secondhand.demo import build_demo, demo_verify_code

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def sh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from e2e.conftest import _env, _free_port

    db_path = tmp_path_factory.mktemp("sh-e2e") / "demo.db"
    url = f"sqlite:///{db_path}"
    upgrade(url)
    db = Database(url)
    with db.unit_of_work() as session:
        build_demo(session)
    db.engine.dispose()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "huanxin.asgi:app", "--port", str(port)],
                            env=_env(Path(db_path)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(base + "/api/v1/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(10)


def test_buyer_checks_a_certificate_on_a_phone(browser: Any, sh_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(sh_server + "/secondhand/check")
    code = demo_verify_code("140521")
    page.fill("input[name=code]", f"{code[:4]}-{code[4:8]}-{code[8:].lower()}")
    page.click("#check-form button[type=submit]")
    assert page.inner_text("#cert-status") == "状态：有效"
    assert page.inner_text("#cert-serial") == "861405219000001"
    assert "演示技术员" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_wrong_code_shows_a_chinese_refusal(browser: Any, sh_server: str) -> None:
    page = browser.new_page(viewport=PHONE)
    response = page.goto(sh_server + "/secondhand/check?code=AAAABBBBCCCC")
    assert response is not None and response.status == 404
    assert "验证码无效" in page.inner_text(".error")
    page.close()
