"""FastAPI application factory: the database, every domain's routers (from the one list of
domains, ``huanxin.domains``) and the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from huanxin.claims.service import allotments
from huanxin.config import Settings, get_settings
from huanxin.core.domain import load
from huanxin.db import Database
from huanxin.domains import DOMAINS, wire_ports
from huanxin.ops import errors as ops_errors
from huanxin.ops.middleware import RequestContext
from huanxin.web import api as core_api
from huanxin.web import errors, openapi, pages, proxies
from huanxin.web.guard import Guard
from huanxin.web.refusals import RefusalAudit
from huanxin.web.security import SecurityHeaders

API_ROUTERS = [core_api.router, *(load(m).router for d in DOMAINS for m in d.api)]
PAGE_ROUTERS = [pages.router, *(load(m).router for d in DOMAINS for m in d.pages)]

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    wire_ports()
    db = database or Database(settings.database_url)
    if settings.migrate_on_start and database is None:
        from huanxin.migrate import upgrade

        upgrade(db.url)

    from huanxin.federation.wiring import wire

    stop_federation = wire(db) if database is None else (lambda: None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        allotments.give_back()  # unused seats of today's release rounds go back
        stop_federation()
        if database is None:
            db.dispose()

    app = FastAPI(
        title="换新 Huanxin",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.db = db
    app.state.settings = settings
    proxies.networks(settings.trusted_proxies)  # a bad HUANXIN_TRUSTED_PROXIES fails at start
    errors.install(app)
    openapi.install(app)
    ops_errors.install(app)
    for router in API_ROUTERS + PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(RefusalAudit)  # innermost: audits scope refusals a page showed
    app.add_middleware(
        Guard, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes
    )
    app.add_middleware(SecurityHeaders, https=settings.cookie_secure)
    app.add_middleware(RequestContext)  # outermost: every answer carries the request id
    return app
