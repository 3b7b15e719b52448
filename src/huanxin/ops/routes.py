"""``/healthz``, ``/readyz`` and ``/metrics`` (public routes; metrics only to allowed addresses)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from huanxin.ops import metrics
from huanxin.ops.health import readiness
from huanxin.web.deps import client_ip, get_database, public

router = APIRouter(tags=["operations"], dependencies=[Depends(public)])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    state = readiness(get_database(request))
    return JSONResponse(state.as_dict(), status_code=200 if state.ok else 503)


@router.get("/metrics")
def metrics_text(request: Request) -> Response:
    if not metrics.allowed(client_ip(request), request.app.state.settings.metrics_allow):
        return PlainTextResponse("forbidden", status_code=403)
    return Response(metrics.exposition(get_database(request)), media_type=metrics.CONTENT_TYPE)
