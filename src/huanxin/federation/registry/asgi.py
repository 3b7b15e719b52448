"""``huanxin.federation.registry.asgi:app`` for uvicorn: the registry on
``HUANXIN_REGISTRY_DATABASE_URL``."""

from __future__ import annotations

import os

from huanxin.db import Database
from huanxin.federation.registry.app import create_registry_app

app = create_registry_app(Database(os.environ["HUANXIN_REGISTRY_DATABASE_URL"]))
