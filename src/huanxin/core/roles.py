"""Roles and the permissions each one holds. Every route declares one permission.

Permissions are ``area:action`` strings. A role holds a fixed set; there are no
per-user grants, so what a role may do is read here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICE = "office"  # 专班办公室 task-force office
    DEPARTMENT = "department"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ENTERPRISE = "enterprise"
    MERCHANT = "merchant"
    CONSUMER = "consumer"
    RECYCLER = "recycler"
    MANUFACTURER = "manufacturer"  # lists its eligible products in the catalogue
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICE: "专班办公室",
    Role.DEPARTMENT: "职能部门",
    Role.FINANCE: "财政局",
    Role.AUDITOR: "审计",
    Role.ENTERPRISE: "企业",
    Role.MERCHANT: "商户",
    Role.CONSUMER: "消费者",
    Role.RECYCLER: "回收企业",
    Role.MANUFACTURER: "生产企业",
    Role.ADMIN: "系统管理员",
}

# Which kind of organisation a role must be bound to, if any.
ROLE_ORG_KIND: dict[Role, str] = {
    Role.DEPARTMENT: "department",
    Role.ENTERPRISE: "enterprise",
    Role.MERCHANT: "merchant",
    Role.RECYCLER: "recycler",
    Role.MANUFACTURER: "manufacturer",
}

ORG_KIND_LABELS = {
    "department": "部门",
    "enterprise": "企业",
    "merchant": "商户",
    "recycler": "回收企业",
    "manufacturer": "生产企业",
}

_READ_ALL = {
    "home:view",
    "jurisdictions:read",
    "audit:read",
    "policy:read",
    "ledger:read",
    "claims:read",
    "settlement:read",
    "recycling:read",
    "equipment:read",
    "supervision:read",
    "integrity:read",
    "secondhand:read",
    "ops:read",
    "clocks:read",
}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {"home:view", "jurisdictions:read", "jurisdictions:write", "users:read", "users:write"}
        | {"audit:read", "audit:verify", "orgs:read", "orgs:write", "pii:read_full"}
        | {"ops:read"}
    ),
    Role.OFFICE: frozenset(
        _READ_ALL
        | {"users:read", "orgs:read", "orgs:write", "policy:write", "ledger:allocate"}
        | {"claims:review", "claims:appeal_decide", "catalogue:write", "supervision:write"}
        | {"recycling:manage", "equipment:manage", "integrity:review", "secondhand:manage"}
        | {"pii:read_full"}
    ),
    Role.DEPARTMENT: frozenset(
        {"home:view", "jurisdictions:read", "policy:read", "claims:read", "claims:review"}
        | {"clocks:read"}
        | {"supervision:read", "supervision:report", "equipment:read", "equipment:manage"}
        | {"recycling:read", "secondhand:read", "catalogue:write"}
    ),
    Role.FINANCE: frozenset(_READ_ALL | {"ledger:allocate", "settlement:write", "pii:read_full"}),
    Role.AUDITOR: frozenset(
        _READ_ALL | {"audit:verify", "users:read", "orgs:read", "pii:read_full"}
    ),
    Role.ENTERPRISE: frozenset({"home:view", "policy:read", "equipment:own", "secondhand:trade"}),
    Role.MERCHANT: frozenset(
        {"home:view", "policy:read", "claims:redeem", "claims:read", "statements:own"}
        | {"secondhand:deal", "secondhand:credit"}
    ),
    Role.CONSUMER: frozenset(
        {"home:view", "policy:read", "claims:own", "recycling:book", "secondhand:check"}
    ),
    Role.RECYCLER: frozenset({"home:view", "policy:read", "recycling:operate", "recycling:read"}),
    Role.MANUFACTURER: frozenset({"home:view", "policy:read", "catalogue:write"}),
}


def has_permission(role: str, permission: str) -> bool:
    try:
        return permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False
