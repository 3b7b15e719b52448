"""The authenticated caller: who, in which role, within which jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from huanxin.core.roles import has_permission

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: str
    jurisdiction_code: str
    org_id: int | None = None
    scope_codes: frozenset[str] = field(default_factory=frozenset)
    via: str = "session"  # session | token
    csrf_token: str = ""

    def can(self, permission: str) -> bool:
        return has_permission(self.role, permission)

    def sees(self, jurisdiction_code: str | None) -> bool:
        """True when the code is the actor's jurisdiction or below it."""
        return jurisdiction_code is not None and jurisdiction_code in self.scope_codes


def visible(actor: Actor, obj: T | None, jurisdiction_code: str | None, message: str) -> T:
    """Return ``obj`` if the actor may see it; a missing object is NotFound, an object in
    another jurisdiction is OutOfScope (also a 404, but audited as a denial)."""
    from huanxin.core.errors import NotFound, OutOfScope

    if obj is None:
        raise NotFound(message)
    if not actor.sees(jurisdiction_code):
        raise OutOfScope(message)
    return obj


def within(
    actor: Actor, jurisdiction_code: str | None, message: str = "", *, field: str | None = None
) -> None:
    """Refuse a write unless ``jurisdiction_code`` is the actor's jurisdiction or below it
    (a city or province office covers its counties): ``OutsideJurisdiction``, a 403 that the
    web layer audits as a denial."""
    from huanxin.core.errors import OutsideJurisdiction

    if not actor.sees(jurisdiction_code):
        raise OutsideJurisdiction(message or "该事项不在您的管辖区域内，无权办理", field=field)
