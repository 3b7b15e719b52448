"""What the supervision API modules share: the permissions a route asks for, uploaded files
read for the services and fingerprinted for idempotency, and download headers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, UploadFile

from huanxin.core.actor import Actor
from huanxin.supervision.service.files import Upload
from huanxin.web.deps import require
from huanxin.web.idem import upload_digest
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
