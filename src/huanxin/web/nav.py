"""The menu: which pages each role sees. An entry shows when the role holds its permission.

Each domain lists its own entries in ``<domain>/nav.py`` (its descriptor's ``menu``); they are
assembled here in the order of ``huanxin.domains``, the shell's admin entries before the
platform's operations.
"""

from __future__ import annotations

from huanxin.core.domain import load
from huanxin.core.roles import has_permission
from huanxin.domains import DOMAINS
from huanxin.web.ui import MenuItem

__all__ = ["MENU", "MenuItem", "menu_for"]

ADMIN: list[MenuItem] = [
    MenuItem("行政区划", "/admin/jurisdictions", "jurisdictions:read"),
    MenuItem("用户管理", "/admin/users", "users:read"),
    MenuItem("审计日志", "/audit", "audit:read"),
]


def _menus(*, platform: bool) -> list[MenuItem]:
    return [
        item
        for domain in DOMAINS
        if domain.menu and domain.platform is platform
        for item in load(domain.menu).MENU
    ]


MENU: list[MenuItem] = [
    MenuItem("首页", "/", "home:view"),
    *_menus(platform=False),
    *ADMIN,
    *_menus(platform=True),
]


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if has_permission(role, item.permission)]
