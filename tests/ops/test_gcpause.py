"""``ops/gcpause.py``: an armed worker freezes its objects when armed and once more after its
first ``WARMUP_REQUESTS`` requests (then never again); an unarmed process never freezes."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from huanxin.ops import gcpause


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gcpause, "_state", {"armed": False, "seen": 0})
    return calls


def test_an_armed_worker_freezes_at_start_and_after_its_warm_up(freezes: list[str]) -> None:
    gcpause.arm()
    assert freezes == ["collect", "freeze"]
    for _ in range(gcpause.WARMUP_REQUESTS - 1):
        gcpause.note_request()
    assert freezes == ["collect", "freeze"]
    gcpause.note_request()
    assert freezes == ["collect", "freeze"] * 2
    for _ in range(gcpause.WARMUP_REQUESTS * 2):
        gcpause.note_request()
    assert freezes == ["collect", "freeze"] * 2


def test_an_unarmed_process_never_freezes(freezes: list[str]) -> None:
    for _ in range(gcpause.WARMUP_REQUESTS * 2):
        gcpause.note_request()
    assert freezes == []


def test_the_server_entry_point_arms_it(tmp_path: Path) -> None:
    probe = (
        "import gc, huanxin.asgi; from huanxin.ops import gcpause; "
        "print(gcpause._state['armed'], gc.get_freeze_count() > 0)"
    )
    env = dict(
        os.environ,
        HUANXIN_DATABASE_URL=f"sqlite:///{tmp_path / 'probe.db'}",
        HUANXIN_SECRET_KEY="probe-" + "x" * 32,
        HUANXIN_MIGRATE_ON_START="false",
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.split() == ["True", "True"], done.stderr[-2000:]
