"""Failures of the equipment domain, each a fact with a Chinese message."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput


class EquipmentCode(StrEnum):
    """Stable codes of the equipment domain's failures (``EquipmentErrorCode`` in OpenAPI)."""

    LEDGER_REJECTED = "ledger_rejected"
    ILLEGAL_STEP = "illegal_step"
    SCRAP_NOT_VERIFIED = "scrap_not_verified"
    ALREADY_DECIDED = "already_decided"
    ENTERPRISE_EXISTS = "enterprise_exists"
    ITEM_REJECTED = "item_rejected"
    ITEM_LOCKED = "item_locked"
    EQUIPMENT_REF_UNKNOWN = "equipment_ref_unknown"
    EQUIPMENT_ALREADY_LEFT = "equipment_already_left"
    ACCOUNT_NOT_ENTERPRISE = "account_not_enterprise"
    ORG_NOT_ENTERPRISE = "org_not_enterprise"
    FIELD_NOT_EDITABLE = "field_not_editable"


class LedgerRejected(InvalidInput):
    """An imported ledger file has errors; nothing was imported. Carries every error."""

    code = EquipmentCode.LEDGER_REJECTED

    def __init__(self, message: str, errors: Sequence[dict[str, object]]) -> None:
        super().__init__(message, field="file")
        self.errors = list(errors)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "errors": self.errors}


class IllegalStep(Conflict):
    """A project cannot move to the requested stage from where it is."""

    code = EquipmentCode.ILLEGAL_STEP


class ScrapNotVerified(Conflict):
    """Completion needs the scrapped old equipment verified (ledger rows linked)."""

    code = EquipmentCode.SCRAP_NOT_VERIFIED


class AlreadyDecided(Conflict):
    """An interest-subsidy application was already approved or rejected."""

    code = EquipmentCode.ALREADY_DECIDED


class EnterpriseExists(Conflict):
    """The organisation already has an enterprise record."""

    code = EquipmentCode.ENTERPRISE_EXISTS


class ItemRejected(InvalidInput):
    """A single-row edit has errors; nothing was changed. Carries every error."""

    code = EquipmentCode.ITEM_REJECTED

    def __init__(self, message: str, errors: Sequence[dict[str, object]]) -> None:
        field = str(errors[0].get("field", "record")) if errors else "record"
        super().__init__(message, field=field)
        self.errors = list(errors)

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "errors": self.errors}


class ItemLocked(Conflict):
    """A ledger row scrapped through a completed project can no longer be edited."""

    code = EquipmentCode.ITEM_LOCKED


class AccountNotEnterprise(InvalidInput):
    """The caller's account is bound to no enterprise, so it cannot register one."""

    code = EquipmentCode.ACCOUNT_NOT_ENTERPRISE


class OrgNotEnterprise(InvalidInput):
    """The organisation chosen is not an enterprise."""

    code = EquipmentCode.ORG_NOT_ENTERPRISE


class FieldNotEditable(InvalidInput):
    """The change names fields that cannot be edited."""

    code = EquipmentCode.FIELD_NOT_EDITABLE
