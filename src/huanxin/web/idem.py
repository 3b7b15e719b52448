"""Idempotent mutating API routes: the ``@idempotent`` decorator.

A mutating endpoint returns its response model and is decorated below its route::

    @router.post("/pools", status_code=201)
    @idempotent("ledger.pools.create")
    def create_pool(body: PoolCreate, actor: ..., session: DbSession) -> PoolRead:
        return pool_read(service.create_pool(session, actor, **body.model_dump()))

The decorator adds the ``Idempotency-Key`` header to the route, claims the key in the
request's transaction before the endpoint runs (``core.idempotency``), stores the response
model serialized to JSON with the route's status code, and answers a repeat with the stored
JSON (header ``Idempotent-Replayed: true``) without running the endpoint again. The endpoint
is a plain ``def`` (an ``async def`` is refused): FastAPI runs it, the key's claim included, in
a worker thread, where waiting for SQLite's write lock does not stop the event loop; an
uploaded file is read there with ``web.kit.uploads.content``.

The request fingerprint is the ``scope`` (a format string over the endpoint's arguments,
e.g. ``"ledger.allocate.{pool_id}"``) and the ``payload``: by default the request body model
as JSON; a ``payload`` function names the arguments it needs (``lambda body, file: …``).
An endpoint whose status depends on the outcome (201 created, 200 corrected) takes a
``response: Response`` and sets ``response.status_code``; that status is stored too.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ParamSpec, TypeVar, cast, get_type_hints

from fastapi import Header, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from huanxin.core import idempotency
from huanxin.core.actor import Actor
from huanxin.core.bounds import IdempotencyKey

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
IdemKey = Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")]
_REQUEST, _KEY = "hx_idem_request", "hx_idem_key"
REPLAYED = {"Idempotent-Replayed": "true"}


def upload_digest(file: UploadFile) -> str:
    """SHA-256 of an uploaded file, read from its spooled copy (left at the start)."""
    file.file.seek(0)
    digest = hashlib.sha256(file.file.read()).hexdigest()
    file.file.seek(0)
    return digest


def _default_payload(kwargs: dict[str, Any]) -> Any:
    bodies = {k: v.model_dump(mode="json") for k, v in kwargs.items() if isinstance(v, BaseModel)}
    return next(iter(bodies.values())) if len(bodies) == 1 else bodies


def _one(kwargs: dict[str, Any], kind: type[T]) -> T:
    return next(v for v in kwargs.values() if isinstance(v, kind))


@dataclass(frozen=True)
class _Call:
    """One decorated call: what ``begin`` and ``finish`` need."""

    session: Session
    actor: Actor
    key: str
    status: int


class _Spec:
    """What the decorator knows about one endpoint."""

    def __init__(
        self, endpoint: Callable[..., Any], scope: str, payload: Callable[..., Any] | None
    ) -> None:
        hints = get_type_hints(endpoint, include_extras=True)
        self.adapter: TypeAdapter[Any] = TypeAdapter(hints["return"])
        self.scope, self.payload = scope, payload
        self.payload_args = list(inspect.signature(payload).parameters) if payload else []
        params = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(endpoint).parameters.values()
        ]
        kw = inspect.Parameter.KEYWORD_ONLY
        params += [
            inspect.Parameter(_REQUEST, kw, annotation=Request),
            inspect.Parameter(_KEY, kw, annotation=IdemKey, default=None),
        ]
        self.signature = inspect.Signature(params, return_annotation=hints["return"])

    def begin(self, kwargs: dict[str, Any]) -> tuple[_Call, JSONResponse | None]:
        request: Request = kwargs.pop(_REQUEST)
        route = request.scope.get("route")
        call = _Call(
            session=_one(kwargs, Session),
            actor=_one(kwargs, Actor),
            key=kwargs.pop(_KEY) or "",
            status=getattr(route, "status_code", None) or 200,
        )
        if self.payload is None:
            payload = _default_payload(kwargs)
        else:
            payload = self.payload(**{n: kwargs[n] for n in self.payload_args})
        replay = idempotency.begin(
            call.session,
            actor_user_id=call.actor.user_id,
            key=call.key,
            scope=self.scope.format(**kwargs),
            payload=payload,
        )
        if replay is None:
            return call, None
        return call, JSONResponse(replay.body, status_code=replay.status, headers=REPLAYED)

    def finish(self, call: _Call, kwargs: dict[str, Any], result: Any) -> JSONResponse:
        body = self.adapter.dump_python(result, mode="json", by_alias=True)
        response = next((v for v in kwargs.values() if isinstance(v, Response)), None)
        status = (response.status_code if response is not None else None) or call.status
        idempotency.finish(
            call.session,
            actor_user_id=call.actor.user_id,
            key=call.key,
            status=status,
            body=body,
        )
        return JSONResponse(body, status_code=status)


def idempotent(
    scope: str, *, payload: Callable[..., Any] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the endpoint once per (caller, Idempotency-Key); see the module docstring."""

    def decorate(endpoint: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(endpoint):  # its database work would block the loop
            raise TypeError(f"{endpoint.__name__}: an idempotent endpoint is a plain def")
        spec = _Spec(endpoint, scope, payload)
        wrapper: Callable[..., Any] = _sync_wrapper(spec, endpoint)
        wrapper.__signature__ = spec.signature  # type: ignore[attr-defined]
        wrapper.__name__ = endpoint.__name__
        wrapper.__qualname__ = endpoint.__qualname__
        wrapper.__module__ = endpoint.__module__
        wrapper.__doc__ = endpoint.__doc__
        return cast(Callable[P, R], wrapper)

    return decorate


def _sync_wrapper(spec: _Spec, endpoint: Callable[..., Any]) -> Callable[..., JSONResponse]:
    def run(**kwargs: Any) -> JSONResponse:
        call, replay = spec.begin(kwargs)
        return replay or spec.finish(call, kwargs, endpoint(**kwargs))

    return run
