"""Registry of every ORM model, so Alembic and relationships see them all without cycles."""

from huanxin.claims import models as _claims  # noqa: F401
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
from huanxin.equipment import models as _equipment  # noqa: F401
from huanxin.federation import models as _federation  # noqa: F401
from huanxin.integrity import models as _integrity  # noqa: F401
from huanxin.ledger import models as _ledger  # noqa: F401
from huanxin.ops.jobs import models as _ops  # noqa: F401
from huanxin.policy import models as _policy  # noqa: F401
from huanxin.recycling import models as _recycling  # noqa: F401
from huanxin.secondhand import models as _secondhand  # noqa: F401
from huanxin.supervision import mechanism_models as _mechanism  # noqa: F401
from huanxin.supervision import models as _supervision  # noqa: F401

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
