"""The API's published contract, added to FastAPI's generated OpenAPI schema.

* ``ErrorBody``: the JSON of every refused API request (``code``, Chinese ``message``,
  the ``field`` and its ``label`` when one field is at fault).
* Error codes: one enum schema per domain (``LedgerErrorCode`` …) listing the stable code
  of each failure class in that domain's ``errors.py`` with the class's docstring; the
  ``code`` of ``ErrorBody`` is one of them.
* Error responses: every ``/api`` operation documents the refusals it can answer — 422 (bad
  input) and 503 (busy) always; 401/403 unless public; 404 when its path names an object;
  409 when it mutates (an Idempotency-Key reused, or a state conflict); any status a route
  declares with ``responses=errors(SomeFailure, …)``.
* Paged lists: an operation taking ``limit`` and ``offset`` documents the ``X-Total-Count``
  and ``Link`` (rel="next") headers of its answer (``web.kit.api_lists``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from huanxin.core.errors import CoreCode, DomainError, error_classes
from huanxin.web.deps import PERMISSION_ATTR

REF = "#/components/schemas/"
_MUTATING = {"post", "put", "patch", "delete"}
_REASONS = {
    401: "未登录或令牌无效 (not_authenticated)",
    403: "无权执行，或对象在辖区之外 (permission_denied, outside_jurisdiction …)",
    404: "对象不存在或不在辖区内 (not_found …)",
    409: "与当前状态冲突，或 Idempotency-Key 已用于另一请求 (conflict …)",
    422: "输入不合格，message 指明字段 (invalid_input …)",
    503: "系统繁忙，稍后重试 (unavailable)",
}


class ErrorBody(BaseModel):
    """A refused API request: a stable ``code`` and a Chinese ``message`` for the person."""

    code: str = Field(description="stable code of the failure (see the *ErrorCode schemas)")
    message: str = Field(description="Chinese message for the person who made the request")
    field: str | None = Field(default=None, description="the input field at fault")
    label: str | None = Field(default=None, description="the field's Chinese label")
    errors: list[str] | None = Field(default=None, description="every invalid field (422)")


def errors(*failures: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: the statuses of these failure classes, with their codes."""
    found: dict[int | str, dict[str, Any]] = {}
    for cls in failures:
        entry = found.setdefault(cls.status, {"model": ErrorBody, "description": ""})
        entry["description"] = f"{entry['description']} {cls.code}".strip()
    return found


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route answering a file (with ``response_class=Response``)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "文件", "content": dict.fromkeys(media_types, binary)}}


def _domain(cls: type) -> str:
    parts = cls.__module__.split(".")
    return parts[1] if len(parts) > 2 else "core"


def code_schemas() -> dict[str, dict[str, Any]]:
    """One enum schema per domain: its failure classes' codes, each with its docstring."""
    by_domain: dict[str, dict[str, str]] = {"core": {c.value: "" for c in CoreCode}}
    for cls in error_classes():
        doc = (cls.__doc__ or "").strip().split("\n")[0]
        codes = by_domain.setdefault(_domain(cls), {})
        if not codes.get(str(cls.code)):
            codes[str(cls.code)] = f"{cls.__name__} ({cls.status}) {doc}".strip()
    return {
        f"{domain.title()}ErrorCode": {
            "type": "string",
            "enum": sorted(codes),
            "title": f"{domain.title()}ErrorCode",
            "description": "\n".join(f"- `{c}`: {d}" for c, d in sorted(codes.items()) if d),
        }
        for domain, codes in sorted(by_domain.items())
    }


def _walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # a router a domain router includes
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def _public_paths(app: FastAPI) -> set[str]:
    """Paths of the routes that declare ``public`` (no login, so no 401/403)."""
    found = set()
    for path, route in _walk(app.routes, ""):
        calls = [d.call for d in route.dependant.dependencies]
        calls += [d.call for sub in route.dependant.dependencies for d in sub.dependencies]
        if any(getattr(c, PERMISSION_ATTR, None) == "public" for c in calls):
            found.add(path)
    return found


def _error_statuses(method: str, path: str, public: bool) -> set[int]:
    statuses = {422, 503}
    if not public:
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if method in _MUTATING:
        statuses.add(409)
    return statuses


def _add_errors(schema: dict[str, Any], public: set[str]) -> None:
    body = {"application/json": {"schema": {"$ref": REF + "ErrorBody"}}}
    for path, item in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_error_statuses(method, path, path in public)):
                responses.setdefault(str(status), {"description": _REASONS[status]})
            for status, answer in responses.items():
                if status[0] in "45":
                    answer["content"] = body
                    answer.setdefault("description", _REASONS.get(int(status), ""))


PAGING_HEADERS = {
    "X-Total-Count": {
        "description": "该列表符合条件的总条数（所有页）",
        "schema": {"type": "integer"},
    },
    "Link": {
        "description": '下一页的地址：`<…>; rel="next"`（已是最后一页时没有）',
        "schema": {"type": "string"},
    },
}


def _add_paging(schema: dict[str, Any]) -> None:
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            names = {p.get("name") for p in operation.get("parameters", [])}
            if {"limit", "offset"} <= names and "200" in operation.get("responses", {}):
                operation["responses"]["200"]["headers"] = PAGING_HEADERS


def build(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the error body, the error codes and every error response."""
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    codes = code_schemas()
    schemas.update(codes)
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template=REF + "{model}")
    schemas["ErrorBody"]["properties"]["code"] = {
        "anyOf": [{"$ref": REF + name} for name in codes],
        "description": ErrorBody.model_fields["code"].description,
    }
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    _add_errors(schema, _public_paths(app))
    _add_paging(schema)
    return schema


def install(app: FastAPI) -> None:
    """Serve ``build(app)`` (computed once) at the app's ``openapi_url``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
