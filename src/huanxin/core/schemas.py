"""API shapes of the shared objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from huanxin.core.bounds import Code, Id, Name, Secret


class TokenCreate(BaseModel):
    username: Name = Field(min_length=1, max_length=64)
    password: Secret = Field(min_length=1, max_length=256)
    name: Name = Field(default="api", max_length=64)


class TokenRead(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105


class MeRead(BaseModel):
    user_id: int
    username: str
    display_name: str
    role: str
    role_label: str
    jurisdiction_code: str
    jurisdiction_name: str
    org_id: int | None
    permissions: list[str]


class JurisdictionCreate(BaseModel):
    code: Code
    name: Name = Field(min_length=1, max_length=64)
    level: Code
    parent_code: Code | None = None


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    level: str
    parent_code: str | None
    path: str


class UserCreate(BaseModel):
    username: Name
    display_name: Name
    password: Secret
    role: Code
    jurisdiction_code: Code
    org_id: Id | None = None
    mobile: Code | None = None
    resident_id: Code | None = None


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    jurisdiction_code: str
    org_id: int | None
    active: bool
    mobile: str | None = None
    resident_id: str | None = None


class HealthRead(BaseModel):
    """The service and its database answer."""

    status: str


class UnlockRead(BaseModel):
    """An account's login delays were cleared at ``unlocked_at``."""

    user_id: int
    unlocked_at: datetime


class OrgCreate(BaseModel):
    kind: Code
    name: Name = Field(min_length=1, max_length=128)
    jurisdiction_code: Code
    uscc: Code | None = None


class OrgRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    name: str
    jurisdiction_code: str
    uscc: str | None


class IdentifierCheck(BaseModel):
    kind: Code
    value: Code


class IdentifierResult(BaseModel):
    kind: str
    value: str
    valid: bool


class AuditVerifyRead(BaseModel):
    ok: bool
    entries: int
    chains: int
    first_bad_id: int | None
    reason: str


class AuditEntryRead(BaseModel):
    id: int
    at: str
    actor_user_id: int | None
    actor_role: str
    jurisdiction_code: str | None
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    hash: str
