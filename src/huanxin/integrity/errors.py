"""Integrity failures, named as facts."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, InvalidInput


class IntegrityCode(StrEnum):
    """Stable codes of the integrity domain's failures (``IntegrityErrorCode`` in OpenAPI)."""

    INTEGRITY_NOT_HELD = "integrity_not_held"
    INTEGRITY_DECISION_INVALID = "integrity_decision_invalid"
    INTEGRITY_CANNOT_REJECT = "integrity_cannot_reject"
    INTEGRITY_INDEX_MISSING = "integrity_index_missing"
    INTEGRITY_INDEX_BUSY = "integrity_index_busy"


class NotHeld(Conflict):
    code = IntegrityCode.INTEGRITY_NOT_HELD


class DecisionInvalid(InvalidInput):
    code = IntegrityCode.INTEGRITY_DECISION_INVALID


class CannotReject(Conflict):
    code = IntegrityCode.INTEGRITY_CANNOT_REJECT


class IndexMissing(Conflict):
    code = IntegrityCode.INTEGRITY_INDEX_MISSING


class IndexBusy(Conflict):
    code = IntegrityCode.INTEGRITY_INDEX_BUSY
