"""Attachments of progress reports and closing evidence: allowed types, size, stored rows.

Allowed: PDF, JPG, PNG and DOCX, at most ``MAX_BYTES`` each and ``MAX_FILES`` per upload. The
extension must be one of those and the first bytes must be that format's signature, so a
renamed file is refused too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from huanxin.core.clock import utcnow
from huanxin.supervision.errors import AttachmentRejected
from huanxin.supervision.models import Attachment

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
SIGNATURES: dict[str, tuple[bytes, str]] = {
    ".pdf": (b"%PDF", "application/pdf"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".docx": (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def check(uploads: list[Upload]) -> list[tuple[Upload, str]]:
    """Each upload with its content type; the first bad one is refused with its name."""
    uploads = [u for u in uploads if u.filename or u.content]
    if len(uploads) > MAX_FILES:
        raise AttachmentRejected(f"附件最多{MAX_FILES}个", field="files")
    return [(u, _check_one(u)) for u in uploads]


def _check_one(upload: Upload) -> str:
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise AttachmentRejected(
            f"附件“{name}”类型不允许，只能上传 PDF、JPG、PNG 或 DOCX 文件", field="files"
        )
    if not upload.content:
        raise AttachmentRejected(f"附件“{name}”是空文件", field="files")
    if len(upload.content) > MAX_BYTES:
        raise AttachmentRejected(f"附件“{name}”超过10MB", field="files")
    magic, content_type = SIGNATURES[suffix]
    if not upload.content.startswith(magic):
        raise AttachmentRejected(f"附件“{name}”的内容与扩展名不符", field="files")
    return content_type


def store(
    session: Session, checked: list[tuple[Upload, str]], *, task_id: int, report_id: int | None
) -> list[Attachment]:
    rows = [
        Attachment(
            task_id=task_id,
            report_id=report_id,
            filename=Path(u.filename).name[:256],
            content_type=ctype,
            size=len(u.content),
            content=u.content,
            sha256=hashlib.sha256(u.content).hexdigest(),
            created_at=utcnow(),
        )
        for u, ctype in checked
    ]
    session.add_all(rows)
    session.flush()
    return rows
