"""FastAPI application factory: the database, every domain's router and the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from huanxin.claims import pages as claims_pages
from huanxin.claims import routes as claims_routes
from huanxin.claims import site_pages as claims_site_pages
from huanxin.claims import site_routes as claims_site_routes
from huanxin.config import Settings, get_settings
from huanxin.core import routes as core_routes
from huanxin.db import Database
from huanxin.equipment import pages as equipment_pages
from huanxin.equipment import routes as equipment_routes
from huanxin.federation import pages as federation_pages
from huanxin.integrity import pages as integrity_pages
from huanxin.integrity import routes as integrity_routes
from huanxin.ledger import pages as ledger_pages
from huanxin.ledger import routes as ledger_routes
from huanxin.ops import errors as ops_errors
from huanxin.ops import pages as ops_pages
from huanxin.ops import routes as ops_routes
from huanxin.ops.middleware import RequestContext
from huanxin.policy import routes as policy_routes
from huanxin.recycling import pages as recycling_pages
from huanxin.recycling import routes as recycling_routes
from huanxin.secondhand import pages as secondhand_pages
from huanxin.secondhand import routes as secondhand_routes
from huanxin.supervision import pages as supervision_pages
from huanxin.supervision import routes as supervision_routes
from huanxin.web import errors, pages, proxies
from huanxin.web.guard import Guard
from huanxin.web.refusals import RefusalAudit
from huanxin.web.security import SecurityHeaders

API_ROUTERS = [
    core_routes.router,
    policy_routes.router,
    claims_routes.router,
    claims_site_routes.router,
    ledger_routes.router,
    recycling_routes.router,
    equipment_routes.router,
    supervision_routes.router,
    integrity_routes.router,
    secondhand_routes.router,
    ops_routes.router,
]
PAGE_ROUTERS = [
    pages.router,
    claims_pages.router,
    claims_site_pages.router,
    ledger_pages.router,
    recycling_pages.router,
    equipment_pages.router,
    supervision_pages.router,
    integrity_pages.router,
    secondhand_pages.router,
    ops_pages.router,
    federation_pages.router,
]

STATIC_DIR = Path(__file__).parent / "web" / "static"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    db = database or Database(settings.database_url)
    if settings.migrate_on_start and database is None:
        from huanxin.migrate import upgrade

        upgrade(db.url)

    from huanxin.federation.wiring import wire

    stop_federation = wire(db) if database is None else (lambda: None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
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
