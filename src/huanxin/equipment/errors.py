"""Failures of the equipment domain, each a fact with a Chinese message."""

from __future__ import annotations

from collections.abc import Sequence

from huanxin.core.errors import Conflict, InvalidInput


class LedgerRejected(InvalidInput):
    """An imported ledger file has errors; nothing was imported. Carries every error."""

    code = "ledger_rejected"

    def __init__(self, message: str, errors: Sequence[dict[str, object]]) -> None:
        super().__init__(message, field="file")
        self.errors = list(errors)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "errors": self.errors}


class IllegalStep(Conflict):
    """A project cannot move to the requested stage from where it is."""

    code = "illegal_step"


class ScrapNotVerified(Conflict):
    """Completion needs the scrapped old equipment verified (ledger rows linked)."""

    code = "scrap_not_verified"


class AlreadyDecided(Conflict):
    """An interest-subsidy application was already approved or rejected."""

    code = "already_decided"


class EnterpriseExists(Conflict):
    """The organisation already has an enterprise record."""

    code = "enterprise_exists"


class ItemRejected(InvalidInput):
    """A single-row edit has errors; nothing was changed. Carries every error."""

    code = "item_rejected"

    def __init__(self, message: str, errors: Sequence[dict[str, object]]) -> None:
        field = str(errors[0].get("field", "record")) if errors else "record"
        super().__init__(message, field=field)
        self.errors = list(errors)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "errors": self.errors}


class ItemLocked(Conflict):
    """A ledger row scrapped through a completed project can no longer be edited."""

    code = "item_locked"
