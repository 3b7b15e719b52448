"""Error base classes shared by every domain.

A domain error names a failure as a fact, carries an HTTP status, a stable code and a
message in Chinese for the person who caused it. Services raise these; the web layer
renders them (JSON for the API, a message in the page for the UI). Services never raise
HTTP exceptions.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import ClassVar


class DomainError(Exception):
    """Base of every expected failure. Subclasses set ``status`` and ``code``."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.audited = False  # set once the web layer has audited it as a denial

    def headers(self) -> dict[str, str]:
        """Extra response headers (e.g. ``Retry-After``); none by default."""
        return {}

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class InvalidInput(DomainError):
    """Malformed input: a field fails validation. Nothing was stored."""

    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    """The object does not exist, or is outside the caller's jurisdiction."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The caller's role does not allow the action."""

    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    """The request conflicts with the object's current state (e.g. an illegal transition)."""

    status = 409
    code = "conflict"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


# Scope refusals raised while a request runs, so that the web layer can audit the ones a
# page caught and showed in its form (the API's error handler audits the rest itself).
scope_refusals: ContextVar[list[DomainError] | None] = ContextVar("scope_refusals", default=None)


def _note_refusal(error: DomainError) -> None:
    noted = scope_refusals.get()
    if noted is not None:
        noted.append(error)


class OutOfScope(NotFound):
    """The object exists but lies outside the caller's jurisdiction. Answers 404 like a
    missing object, and the web layer audits the denial."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        _note_refusal(self)


class OutsideJurisdiction(PermissionDenied):
    """The caller may act in its own jurisdiction, but the object, the money or the place
    it names lies outside it. Answers 403 with the reason, and is audited as a denial."""

    code = "outside_jurisdiction"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        _note_refusal(self)
