"""ASGI entry point for uvicorn: ``huanxin.asgi:app`` (each worker logs JSON lines)."""

import os

from huanxin.app import create_app
from huanxin.ops import logs

logs.configure(os.environ.get("HUANXIN_LOG_LEVEL", "INFO"))
app = create_app()
