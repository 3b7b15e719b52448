"""Failures of the policy domain: a programme file that cannot be used, a bad quote request."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from huanxin.core.errors import InvalidInput, NotFound


class PolicyCode(StrEnum):
    """Stable codes of the policy domain's failures (``PolicyErrorCode`` in OpenAPI)."""

    POLICY_FILE_INVALID = "policy_file_invalid"
    POLICIES_DIR_NOT_FOUND = "policies_dir_not_found"
    INVALID_QUOTE_REQUEST = "invalid_quote_request"
    PROGRAMME_CHANGED_WITHOUT_NEW_VERSION = "programme_changed_without_new_version"


class PolicyFileInvalid(InvalidInput):
    """A programme file breaks the schema; carries the file, the 1-based line and the reason."""

    code = PolicyCode.POLICY_FILE_INVALID

    def __init__(
        self, *, path: Path | str, line: int | None, reason: str, field: str | None
    ) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        label = f"（字段 {field}）" if field else ""
        super().__init__(f"政策文件无效：{where}{label}：{reason}", field=field)
        self.path = str(path)
        self.line = line
        self.reason = reason


class PoliciesDirNotFound(NotFound):
    """The directory of programme files does not exist."""

    code = PolicyCode.POLICIES_DIR_NOT_FOUND


class InvalidQuoteRequest(InvalidInput):
    """An item attribute or a jurisdiction code given to a quote is malformed."""

    code = PolicyCode.INVALID_QUOTE_REQUEST
