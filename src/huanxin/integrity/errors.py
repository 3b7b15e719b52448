"""Integrity failures, named as facts."""

from __future__ import annotations

from huanxin.core.errors import Conflict, InvalidInput


class NotHeld(Conflict):
    code = "integrity_not_held"


class DecisionInvalid(InvalidInput):
    code = "integrity_decision_invalid"


class CannotReject(Conflict):
    code = "integrity_cannot_reject"


class IndexMissing(Conflict):
    code = "integrity_index_missing"


class IndexBusy(Conflict):
    code = "integrity_index_busy"
