"""Uploaded files read by a plain ``def`` endpoint, off the event loop.

The request's body is received, and each file spooled, before the endpoint runs, so an
endpoint that takes a file is a plain ``def``: FastAPI runs it in a worker thread, where
waiting for SQLite's write lock (``BEGIN IMMEDIATE``) does not stop the event loop. An
``async def`` endpoint would do its database work on the loop, and the request holding the
lock could not commit (tests/web/test_upload_off_loop.py; ``web/deps.py`` does the same for
page permissions). ``content`` reads a file there.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile


def content(file: UploadFile, limit: int = -1) -> bytes:
    """The file's bytes (at most ``limit`` when given) from its spooled copy."""
    file.file.seek(0)
    return file.file.read(limit)
