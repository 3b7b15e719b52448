"""ASGI entry point for uvicorn: ``huanxin.asgi:app`` (each worker logs JSON lines, and
freezes its long-lived objects out of the garbage collector's scans: ``ops/gcpause.py``)."""

import os

from huanxin.app import create_app
from huanxin.ops import gcpause, logs

logs.configure(os.environ.get("HUANXIN_LOG_LEVEL", "INFO"))
app = create_app()
gcpause.arm()
