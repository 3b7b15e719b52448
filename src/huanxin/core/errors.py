"""Error base classes shared by every domain.

A domain error names a failure as a fact, carries an HTTP status, a stable code and a
message in Chinese for the person who caused it. Services raise these; the web layer
renders them (JSON for the API, a message in the page for the UI). Services never raise
HTTP exceptions.
"""

from __future__ import annotations

from contextvars import ContextVar
from enum import StrEnum
from typing import ClassVar


class CoreCode(StrEnum):
    """Stable codes of the failures every domain shares. A domain names its own failures in
    its ``errors.py``: an enum of codes (``LedgerCode``) and one class per failure."""

    ERROR = "error"
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    NOT_AUTHENTICATED = "not_authenticated"
    TOO_MANY_REQUESTS = "too_many_requests"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    UNKNOWN_JURISDICTION = "unknown_jurisdiction"
    # Field-level failures shared by every domain (a domain's own rules get their own codes).
    REQUIRED = "required"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_CHOICE = "not_a_choice"
    NOT_UNIQUE = "not_unique"
    UNKNOWN_REFERENCE = "unknown_reference"
    UNRELATED_REFERENCE = "unrelated_reference"
    MALFORMED_FILE = "malformed_file"
    UNKNOWN_CODE = "unknown_code"  # core.vocab
    CALENDAR_FILE_INVALID = "calendar_file_invalid"  # core.workdays
    JURISDICTION_EXISTS = "jurisdiction_exists"
    LEVEL_MISMATCH = "jurisdiction_level_mismatch"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_ORG_KIND = "unknown_org_kind"
    ROLE_TAKES_NO_ORG = "role_takes_no_org"
    ORG_KIND_MISMATCH = "org_kind_mismatch"
    ORG_IN_OTHER_JURISDICTION = "org_in_other_jurisdiction"
    WEAK_PASSWORD = "weak_password"  # noqa: S105  (a code, not a password)
    LOGIN_THROTTLED = "login_throttled"  # core.throttle
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # core.idempotency
    REQUEST_IN_PROGRESS = "request_in_progress"  # core.idempotency
    # Answered at the edge, not raised as a class: the database is busy (``web.errors``),
    # a body over the limit (``web.guard``), an unexpected failure (``ops.errors``).
    UNAVAILABLE = "unavailable"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INTERNAL_ERROR = "internal_error"


class DomainError(Exception):
    """Base of every expected failure. Subclasses set ``status`` and ``code``."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = CoreCode.ERROR

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
    """Malformed input: a field fails its format check. Nothing was stored.

    Raise it bare only for a pure field-format failure; any other refusal is a fact with
    its own class and code in the domain's ``errors.py`` (it may subclass this one to keep
    the 422). ``tests/core/test_error_codes.py`` counts the bare raises."""

    status = 422
    code: ClassVar[str] = CoreCode.INVALID_INPUT


class NotFound(DomainError):
    """The object does not exist, or is outside the caller's jurisdiction."""

    status = 404
    code: ClassVar[str] = CoreCode.NOT_FOUND


class PermissionDenied(DomainError):
    """The caller's role does not allow the action."""

    status = 403
    code: ClassVar[str] = CoreCode.PERMISSION_DENIED


class Conflict(DomainError):
    """The request conflicts with the object's current state (e.g. an illegal transition)."""

    status = 409
    code: ClassVar[str] = CoreCode.CONFLICT


class NotAuthenticated(DomainError):
    status = 401
    code: ClassVar[str] = CoreCode.NOT_AUTHENTICATED


class TooManyRequests(DomainError):
    status = 429
    code: ClassVar[str] = CoreCode.TOO_MANY_REQUESTS


class Required(InvalidInput):
    """A required field is empty."""

    code: ClassVar[str] = CoreCode.REQUIRED


class OutOfRange(InvalidInput):
    """A number, date or time lies outside the range the field allows."""

    code: ClassVar[str] = CoreCode.OUT_OF_RANGE


class NotAChoice(InvalidInput):
    """The value is not one of the field's allowed choices."""

    code: ClassVar[str] = CoreCode.NOT_A_CHOICE


class NotUnique(InvalidInput):
    """The value is already taken by another record (a name, a number, a date)."""

    code: ClassVar[str] = CoreCode.NOT_UNIQUE


class UnknownReference(InvalidInput):
    """The record the field refers to does not exist."""

    code: ClassVar[str] = CoreCode.UNKNOWN_REFERENCE


class UnrelatedReference(InvalidInput):
    """The record the field refers to exists but does not belong here (another enterprise, plan, batch or directory)."""

    code: ClassVar[str] = CoreCode.UNRELATED_REFERENCE


class MalformedFile(InvalidInput):
    """A file cannot be read as what it should be: empty, wrong type, wrong header or a bad line."""

    code: ClassVar[str] = CoreCode.MALFORMED_FILE


class UnknownJurisdiction(InvalidInput):
    """The jurisdiction code the input names does not exist."""

    code: ClassVar[str] = CoreCode.UNKNOWN_JURISDICTION


class JurisdictionExists(InvalidInput):
    """A jurisdiction with this code already exists."""

    code: ClassVar[str] = CoreCode.JURISDICTION_EXISTS


class LevelMismatch(InvalidInput):
    """The jurisdiction's level does not sit directly under its parent's."""

    code: ClassVar[str] = CoreCode.LEVEL_MISMATCH


class UnknownRole(InvalidInput):
    """The role named is not one of the roles."""

    code: ClassVar[str] = CoreCode.UNKNOWN_ROLE


class UnknownOrgKind(InvalidInput):
    """The organisation kind named is not one of the kinds."""

    code: ClassVar[str] = CoreCode.UNKNOWN_ORG_KIND


class RoleTakesNoOrg(InvalidInput):
    """The user's role is not bound to an organisation, yet one was given."""

    code: ClassVar[str] = CoreCode.ROLE_TAKES_NO_ORG


class OrgKindMismatch(InvalidInput):
    """The role must be bound to an organisation of its kind."""

    code: ClassVar[str] = CoreCode.ORG_KIND_MISMATCH


class OrgInOtherJurisdiction(InvalidInput):
    """The user and the organisation it is bound to lie in different jurisdictions."""

    code: ClassVar[str] = CoreCode.ORG_IN_OTHER_JURISDICTION


class WeakPassword(InvalidInput):
    """The password fails the strength rules."""

    code: ClassVar[str] = CoreCode.WEAK_PASSWORD


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

    code: ClassVar[str] = CoreCode.OUTSIDE_JURISDICTION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        _note_refusal(self)


def error_classes() -> list[type[DomainError]]:
    """Every ``DomainError`` subclass defined so far (the app imports every domain)."""
    found: list[type[DomainError]] = []
    todo = [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))
