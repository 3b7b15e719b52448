"""One place that turns failures into answers: JSON for the API, a message in the page for the UI."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from huanxin.core.errors import (
    CoreCode,
    DomainError,
    NotAuthenticated,
    OutOfScope,
    OutsideJurisdiction,
)
from huanxin.core.labels import label
from huanxin.web.deps import audit_denial, resolve_actor
from huanxin.web.templating import render

log = logging.getLogger("huanxin.web")

_PYDANTIC_ZH = {
    "missing": "必填",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "string_too_short": "长度不足",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期格式不正确（应为YYYY-MM-DD）",
    "date_parsing": "日期格式不正确（应为YYYY-MM-DD）",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "json_invalid": "请求体不是合法的JSON",
    "bool_parsing": "必须是布尔值",
    "bool_type": "必须是布尔值",
    "finite_number": "必须是有限的数字",
    "int_from_float": "必须是整数",
    "string_type": "必须是文本",
    "list_type": "必须是列表",
    "dict_type": "格式不正确",
    "model_attributes_type": "格式不正确",
    "too_short": "项数不足",
    "date_type": "日期格式不正确（应为YYYY-MM-DD）",
    "extra_forbidden": "不允许的字段",
    "value_error": "格式不正确",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "string_too_long":
        return f"长度超出限制（最多 {ctx.get('max_length')} 个字符）"
    if kind == "too_long":
        return f"项数过多（最多 {ctx.get('max_length')} 项）"
    if kind in {"less_than_equal", "less_than"}:
        return f"数值过大（不能超过 {ctx.get('le', ctx.get('lt'))}）"
    if kind == "greater_than":
        return f"数值过小（必须大于 {ctx.get('gt')}）"
    if kind == "greater_than_equal":
        return f"数值过小（不能小于 {ctx.get('ge')}）"
    return _PYDANTIC_ZH.get(kind, "格式不正确")


def validation_message(
    error: dict[str, Any], labels: dict[str, str] | None = None
) -> tuple[str, str]:
    """(field, message); the message names the field by its Chinese label (the ``title`` of
    the body model's field where the model gives one, else ``core.labels``) and the reason."""
    skip = ("body", "query", "path", "form", "header")
    loc = [str(p) for p in error.get("loc", ()) if p not in skip]
    field = ".".join(loc) or "body"
    shown = (labels or {}).get(loc[0]) if len(loc) == 1 else None
    return field, f"{shown or label(field)}：{_reason(error)}"


def body_labels(request: Request) -> dict[str, str]:
    """Field name → Chinese label of the route's request-body model (empty when none)."""
    body = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return {}
    return {name: f.title for name, f in model.model_fields.items() if f.title}


def audit_refusal(request: Request, exc: DomainError) -> None:
    """Audit a scope refusal as a denial, in its own transaction (the request's is rolled
    back): an object outside the caller's jurisdiction, or a write reaching outside it."""
    if exc.audited:
        return
    exc.audited = True
    if isinstance(exc, OutOfScope):
        audit_denial(request, resolve_actor(request), "out_of_scope")
    elif isinstance(exc, OutsideJurisdiction):
        actor = resolve_actor(request)
        audit_denial(request, actor, "outside_jurisdiction", code=exc.code, message=exc.message)


def page_refused(request: Request, session: Session, exc: DomainError) -> None:
    """For a page that shows a domain error in its form: roll the request's work back and
    audit the refusal if it was one of scope."""
    session.rollback()
    audit_refusal(request, exc)


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    request.state.error_code = exc.code  # counted by the metrics middleware
    audit_refusal(request, exc)
    if is_api(request):
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=exc.headers())
    if isinstance(exc, NotAuthenticated):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    page = render(request, "error.html", status_code=exc.status, message=exc.message)
    page.headers.update(exc.headers())
    return page


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    labels = body_labels(request)
    field, message = validation_message(dict(first), labels)
    if is_api(request):
        body = {
            "code": "invalid_input",
            "field": field,
            "label": label(field),
            "message": message,
            "errors": [validation_message(dict(e), labels)[1] for e in exc.errors()],
        }
        return JSONResponse(body, status_code=422)
    return render(request, "error.html", status_code=422, message=message)


def _busy(request: Request, exc: Exception) -> Response:
    log.warning("db.operational_error %s", exc)
    body = {"code": "unavailable", "message": "系统繁忙，请稍后重试"}
    if is_api(request):
        return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
    page = render(request, "error.html", status_code=503, message=body["message"])
    page.headers["Retry-After"] = "1"
    return page


_HTTP_ZH = {
    404: "页面不存在，请从菜单进入",
    405: "不支持这种访问方式，请从页面上的按钮操作",
}


_HTTP_CODES = {404: CoreCode.NOT_FOUND, 405: CoreCode.METHOD_NOT_ALLOWED}
_API_ZH = {404: "接口不存在", 405: "接口不支持这种请求方法"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """API clients get FastAPI's answer (``detail``) with the code and message of every
    refusal (``web.openapi.ErrorBody``); a person gets the Chinese error page."""
    assert isinstance(exc, HTTPException)
    if is_api(request):
        body = {
            "code": _HTTP_CODES.get(exc.status_code, CoreCode.ERROR),
            "message": _API_ZH.get(exc.status_code, str(exc.detail)),
            "detail": exc.detail,
        }
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    if exc.status_code not in _HTTP_ZH:
        return await http_exception_handler(request, exc)
    return render(
        request, "error.html", status_code=exc.status_code, message=_HTTP_ZH[exc.status_code]
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _busy)
