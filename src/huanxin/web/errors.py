"""One place that turns failures into answers: JSON for the API, a message in the page for the UI."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from huanxin.core.errors import DomainError, NotAuthenticated, OutOfScope, OutsideJurisdiction
from huanxin.web.deps import audit_denial, resolve_actor
from huanxin.web.templating import render

log = logging.getLogger("huanxin.web")

_PYDANTIC_ZH = {
    "missing": "必填",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "string_too_short": "长度不足",
    "string_too_long": "长度超出限制",
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
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def validation_message(
    error: dict[str, object], labels: dict[str, str] | None = None
) -> tuple[str, str]:
    """(field, message); the message names the field by its Chinese label (the ``title`` of
    the body model's field) where the model gives one."""
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]  # type: ignore[attr-defined]
    field = ".".join(loc) or "body"
    kind = str(error.get("type", ""))
    if kind == "value_error":
        msg = str(error.get("msg", "")).removeprefix("Value error, ")
    else:
        msg = _PYDANTIC_ZH.get(kind, "格式不正确")
    shown = (labels or {}).get(loc[0], field) if loc else field
    return field, f"{shown}：{msg}"


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
        body = {"code": "invalid_input", "field": field, "message": message,
                "errors": [validation_message(dict(e), labels)[1] for e in exc.errors()]}  # fmt: skip
        return JSONResponse(body, status_code=422)
    return render(request, "error.html", status_code=422, message=message)


def _busy(request: Request, exc: Exception) -> Response:
    log.warning("db.operational_error %s", exc)
    body = {"code": "unavailable", "message": "系统繁忙，请稍后重试"}
    if is_api(request):
        return JSONResponse(body, status_code=503)
    return render(request, "error.html", status_code=503, message=body["message"])


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _busy)
