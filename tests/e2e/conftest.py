"""A real server with the demo loaded, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

CHROMIUM = os.environ.get("HUANXIN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HUANXIN_DATABASE_URL": f"sqlite:///{db_path}",
            "HUANXIN_COOKIE_SECURE": "false",
            "HUANXIN_ARGON2_PROFILE": "test",
        }
    )
    return env


SERVER_LOGS: list[Path] = []


def _server_log(path: Path) -> IO[bytes]:
    """The demo server's output goes to a file a failing test's report ends with."""
    SERVER_LOGS.append(path)
    return path.open("wb")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and call.when == "call":
        for log in SERVER_LOGS:
            lines = log.read_text(errors="replace").splitlines()[-60:]
            report.sections.append((f"demo server log ({log.name})", "\n".join(lines)))
    return report


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Load the full demo into a fresh SQLite file and serve it with uvicorn."""
    folder = tmp_path_factory.mktemp("e2e")
    env = _env(folder / "demo.db")
    huanxin = str(Path(sys.executable).with_name("huanxin"))
    subprocess.run([huanxin, "demo", "--claims", "150"], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "huanxin.asgi:app", "--port", str(port)],
        env=env,
        stdout=_server_log(folder / "server.log"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded 2-core machine can take a while to start it
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(base + "/api/v1/health").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"the demo server did not start (exit code {proc.poll()})")
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"chromium not found at {CHROMIUM}"
        if IN_CI:
            pytest.fail(reason + " (CI=true: browser tests must run)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()
