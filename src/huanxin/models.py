"""Registry of every ORM model, so Alembic and relationships see them all without cycles."""

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
