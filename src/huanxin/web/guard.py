"""Edge guard in front of every route: request-body size and forbidden characters.

Owns the body limits (``HUANXIN_MAX_BODY_BYTES`` for JSON and forms,
``HUANXIN_MAX_UPLOAD_BYTES`` for multipart uploads; 413 beyond them) and the refusal of
control and bidi-override characters (``core.bounds.forbidden_char``) in the path, the query
string, form fields and JSON strings, with a 422 naming the field by its Chinese label. Field
types (``core.bounds``) add lengths, ranges and the stricter rules for names on top.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse
from starlette.requests import Request

from huanxin.core.bounds import forbidden_char
from huanxin.core.labels import label
from huanxin.web.security import ASGIApp, Message, Receive, Scope, Send
from huanxin.web.templating import render

BUFFERED_TYPES = ("application/json", "application/x-www-form-urlencoded")


class _TooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True)


def _json_strings(value: Any, where: str = "body") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key)
            yield from _json_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{where}.{i}")


def first_refusal(
    pairs: Iterator[tuple[str, str]] | list[tuple[str, str]],
) -> tuple[str, str] | None:
    """The first (field, reason) whose name or value carries a forbidden character."""
    for name, value in pairs:
        for text in (name, value):
            reason = forbidden_char(text)
            if reason:
                return name.removeprefix("body."), reason
    return None


def target_refusal(scope: Scope) -> tuple[str, str] | None:
    reason = forbidden_char(str(scope.get("path", "")), free_text=False)
    if reason:
        return "path", reason
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    return first_refusal(_pairs(query))


def body_refusal(content_type: str, body: bytes) -> tuple[str, str] | None:
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return first_refusal(_pairs(text))
    try:
        data = json.loads(text)
    except ValueError:
        return None  # FastAPI answers malformed JSON with its own 422
    return first_refusal(_json_strings(data))


class Guard:
    """ASGI middleware enforcing the body limits and the character rules."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = target_refusal(scope)
        if refusal:
            await _refuse(scope, receive, send, *refusal)
            return
        content_type = _header(scope, b"content-type").lower()
        limit = self.max_upload if content_type.startswith("multipart/") else self.max_body
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        if content_type.startswith(BUFFERED_TYPES):
            await self._buffered(scope, receive, send, content_type, limit)
        else:
            await self._streamed(scope, receive, send, limit)

    async def _buffered(
        self, scope: Scope, receive: Receive, send: Send, content_type: str, limit: int
    ) -> None:
        try:
            body = await _read_all(receive, limit)
        except _TooLarge:
            await _too_large(scope, receive, send, limit)
            return
        refusal = body_refusal(content_type, body)
        if refusal:
            await _refuse(scope, receive, send, *refusal)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        seen = 0
        exceeded = False
        started = False

        async def counting() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            if exceeded:
                if not started:
                    started = True
                    await _too_large(scope, receive, send, limit)
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except _TooLarge:
            if not started:
                await _too_large(scope, receive, send, limit)


async def _read_all(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


async def _answer(
    scope: Scope, receive: Receive, send: Send, status: int, body: dict[str, str]
) -> None:
    if _is_api(scope):
        response: Any = JSONResponse(body, status_code=status)
    else:
        request = Request(scope)
        request.state.actor = None
        response = render(request, "error.html", status_code=status, message=body["message"])
    await response(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send, field: str, reason: str) -> None:
    body = {"code": "invalid_input", "field": field, "message": f"{label(field)}：{reason}"}
    await _answer(scope, receive, send, 422, body)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    size = f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    body = {"code": "payload_too_large", "message": f"请求内容过大（上限 {size}），请缩小后重试"}
    await _answer(scope, receive, send, 413, body)
