"""The menu: which pages each role sees. An entry shows when the role holds its permission."""

from __future__ import annotations

from dataclasses import dataclass

from huanxin.core.roles import has_permission


@dataclass(frozen=True)
class MenuItem:
    label: str
    href: str
    permission: str


MENU: list[MenuItem] = [
    MenuItem("首页", "/", "home:view"),
    MenuItem("行政区划", "/admin/jurisdictions", "jurisdictions:read"),
    MenuItem("用户管理", "/admin/users", "users:read"),
    MenuItem("审计日志", "/audit", "audit:read"),
]


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if has_permission(role, item.permission)]
