"""FastAPI application factory: the database, every domain's router and the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from huanxin.config import Settings, get_settings
from huanxin.core import routes as core_routes
from huanxin.db import Database
from huanxin.web import errors, pages

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    db = database or Database(settings.database_url)
    if settings.migrate_on_start and database is None:
        from huanxin.migrate import upgrade

        upgrade(db.url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is None:
            db.dispose()

    app = FastAPI(title="换新 Huanxin", version="0.1.0", lifespan=lifespan,
                  docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)  # fmt: skip
    app.state.db = db
    app.state.settings = settings
    errors.install(app)
    app.include_router(core_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
