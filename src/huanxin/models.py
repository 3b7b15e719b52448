"""Registry of every ORM model, so Alembic and relationships see them all without cycles: the
shared objects' models and those each domain names in its descriptor (``huanxin.domains``)."""

import importlib

from huanxin.core.models import (
    ApiToken,
    AuditEntry,
    AuditHead,
    IdempotencyRecord,
    Jurisdiction,
    LoginAttempt,
    Organization,
    User,
    WebSession,
)
from huanxin.db import Base
from huanxin.domains import DOMAINS

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "IdempotencyRecord",
    "Jurisdiction",
    "LoginAttempt",
    "Organization",
    "User",
    "WebSession",
]

for _domain in DOMAINS:
    for _module in _domain.models:
        importlib.import_module(_module)
