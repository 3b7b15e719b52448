"""Structured JSON logs: one object per line, a request id on every line, no personal data.

``configure()`` routes the standard library's loggers (uvicorn, SQLAlchemy, ours) through
structlog's JSON renderer. The request id lives in a context variable bound by the request
middleware (``ops.middleware``), so every line logged while serving a request carries it.
A last processor masks anything shaped like a resident id or a mobile number, in case a
message ever quotes one.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_RESIDENT_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Mask resident ids and mobile numbers.

    >>> scrub("id 110101199003071234 tel 13912345678")
    'id [resident_id] tel [mobile]'
    """
    return _MOBILE.sub("[mobile]", _RESIDENT_ID.sub("[resident_id]", text))


def _scrub_event(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = scrub(value)
    return event


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
]


def configure(level: str = "INFO") -> None:
    """JSON lines on stderr for every logger; call once per process."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _scrub_event,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the middleware logs each request
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


if not structlog.is_configured():  # until configure(): plain console lines, cheap tracebacks
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback),
        ]
    )
