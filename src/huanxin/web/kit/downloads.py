"""One way to answer a file: RFC 6266 ``Content-Disposition`` with an ASCII fallback name and
the real (often Chinese) name as ``filename*=UTF-8''…``, so every browser saves it by name."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"

_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")


def disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266 / 5987).

    >>> disposition("地址库模板.xlsx")
    'attachment; filename="download.xlsx"; filename*=UTF-8\\'\\'%E5%9C%B0%E5%9D%80%E5%BA%93%E6%A8%A1%E6%9D%BF.xlsx'
    >>> disposition("batch-7.csv")
    'attachment; filename="batch-7.csv"; filename*=UTF-8\\'\\'batch-7.csv'
    """
    _, dot, ext = filename.rpartition(".")
    suffix = f".{_NOT_TOKEN.sub('', ext)}" if dot and ext.isascii() else ""
    fallback = _NOT_TOKEN.sub("-", filename) if filename.isascii() else f"download{suffix}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(
    content: bytes | str, filename: str, media_type: str, *, inline: bool = False
) -> Response:
    """A response carrying ``content`` as a file named ``filename``."""
    headers = {"Content-Disposition": disposition(filename, inline=inline)}
    return Response(content, media_type=media_type, headers=headers)
