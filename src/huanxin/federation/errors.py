"""Federation failures, named as facts."""

from __future__ import annotations

from huanxin.core.errors import Conflict, DomainError, NotFound


class NationalKeyHeld(Conflict):
    """Another province already holds one of the claim's nationally-unique keys."""

    code = "national_key_held"


class RegistryUnavailable(DomainError):
    """The registry could not be reached and the programme refuses sales meanwhile."""

    status = 503
    code = "registry_unavailable"


class MatchNotFound(NotFound):
    code = "match_not_found"


class MatchNotResolvable(Conflict):
    code = "match_not_resolvable"
