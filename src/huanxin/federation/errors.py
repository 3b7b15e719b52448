"""Federation failures, named as facts."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, DomainError, NotFound


class FederationCode(StrEnum):
    """Stable codes of the federation domain's failures (``FederationErrorCode`` in OpenAPI)."""

    NATIONAL_KEY_HELD = "national_key_held"
    REGISTRY_UNAVAILABLE = "registry_unavailable"
    MATCH_NOT_FOUND = "match_not_found"
    MATCH_NOT_RESOLVABLE = "match_not_resolvable"


class NationalKeyHeld(Conflict):
    """Another province already holds one of the claim's nationally-unique keys."""

    code = FederationCode.NATIONAL_KEY_HELD


class RegistryUnavailable(DomainError):
    """The registry could not be reached and the programme refuses sales meanwhile."""

    status = 503
    code = FederationCode.REGISTRY_UNAVAILABLE


class MatchNotFound(NotFound):
    code = FederationCode.MATCH_NOT_FOUND


class MatchNotResolvable(Conflict):
    code = FederationCode.MATCH_NOT_RESOLVABLE
