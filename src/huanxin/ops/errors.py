"""The last-resort handler: an unexpected failure answers 500 with the request id to quote."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from huanxin.ops.logs import get_logger
from huanxin.web.templating import render

log = get_logger("huanxin.web")
MESSAGE = "系统内部错误，请稍后重试；如需咨询，请向工作人员提供下方的请求编号"


def _unexpected(request: Request, exc: Exception) -> Response:
    rid = getattr(request.state, "request_id", "")
    log.error("http.unhandled", error=exc.__class__.__name__, request_id=rid, exc_info=exc)
    headers = {"X-Request-ID": rid} if rid else {}
    if request.url.path.startswith("/api/"):
        body = {"code": "internal_error", "message": MESSAGE, "request_id": rid}
        return JSONResponse(body, status_code=500, headers=headers)
    response = render(request, "error.html", status_code=500, message=MESSAGE)
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected)
