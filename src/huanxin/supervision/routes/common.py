"""What the supervision API modules share: the permissions a route asks for, uploaded files
read for the services and fingerprinted for idempotency, download headers, and the one shape
of a route that moves one object (``transition``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, UploadFile
from pydantic import BaseModel
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Id
from huanxin.supervision.service.files import Upload
from huanxin.web.deps import DbSession, require
from huanxin.web.idem import idempotent, upload_digest
from huanxin.web.kit import downloads, uploads

PREFIX = "/api/v1/supervision"  # on each module's router (the route template is the label)
Reader = Annotated[Actor, Depends(require("supervision:read"))]
Writer = Annotated[Actor, Depends(require("supervision:write"))]
Reporter = Annotated[Actor, Depends(require("supervision:report"))]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def uploads_of(items: list[UploadFile] | None) -> list[Upload]:
    return [Upload(f.filename or "", uploads.content(f)) for f in items or []]


def fingerprint(items: list[UploadFile] | None) -> list[str]:
    """Each file's name and SHA-256, for the request's idempotency fingerprint."""
    return [f"{f.filename or ''}:{upload_digest(f)}" for f in items or []]


def disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": downloads.disposition(name)}


def transition(
    router: APIRouter,
    path: str,
    *,
    name: str,
    scope: str,
    permission: Any,
    body: type[BaseModel],
    answer: type[BaseModel],
    act: Callable[..., Any],
    view: Callable[[Session, Any], BaseModel],
    doc: str | None = None,
) -> None:
    """``POST path`` (its last segment an action on the object whose id is the path's one
    parameter): ``act(session, actor, id, **body)`` — a service function that checks the
    object's scope and lifecycle and audits the move — then ``view(session, row)`` answers.

    The endpoint is built with the signature a hand-written route would have (the path id,
    the ``body`` model, the ``permission`` dependency, the session; ``answer`` as its return
    type), so FastAPI parses and documents it and ``@idempotent(scope)`` keys it the same;
    ``name`` keeps its operation id in OpenAPI."""
    param = path.rsplit("{", 1)[1].split("}", 1)[0]
    hints: dict[str, Any] = {param: Id, "body": body, "actor": permission, "session": DbSession}

    def endpoint(**kwargs: Any) -> BaseModel:
        session = kwargs["session"]
        row = act(session, kwargs["actor"], kwargs[param], **kwargs["body"].model_dump())
        return view(session, row)

    keyword = inspect.Parameter.KEYWORD_ONLY
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(k, keyword, annotation=v) for k, v in hints.items()],
        return_annotation=answer,
    )
    annotations = endpoint.__annotations__  # what get_type_hints reads (@idempotent does)
    annotations.clear()
    annotations.update({**hints, "return": answer})
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    router.post(path)(idempotent(scope)(endpoint))
