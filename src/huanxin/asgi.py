"""ASGI entry point for uvicorn: ``huanxin.asgi:app``."""

from huanxin.app import create_app

app = create_app()
