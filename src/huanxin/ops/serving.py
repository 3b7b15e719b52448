"""Process set-up before uvicorn starts: JSON logs, and with several workers a fresh
prometheus-client multiprocess folder (set before any worker imports the client)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from huanxin.ops import logs


def prepare(workers: int) -> None:
    logs.configure(os.environ.get("HUANXIN_LOG_LEVEL", "INFO"))
    if workers > 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "var/metrics"))
        shutil.rmtree(folder, ignore_errors=True)  # counts of a previous run's dead workers
        folder.mkdir(parents=True, exist_ok=True)
