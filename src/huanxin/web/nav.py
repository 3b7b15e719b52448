"""The menu: which pages each role sees. An entry shows when the role holds its permission.

Each domain lists its own entries in ``<domain>/nav.py`` (its descriptor's ``menu``); they are
assembled here in the order of ``huanxin.domains``, the shell's admin entries before the
platform's operations.
"""

from __future__ import annotations

from dataclasses import dataclass

from huanxin.core.domain import load
from huanxin.core.roles import has_permission
from huanxin.domains import DOMAINS
from huanxin.web.ui import MenuItem

__all__ = ["GROUPS", "MENU", "MenuGroup", "MenuItem", "grouped_menu_for", "menu_for"]

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


# The menu's areas, in order, each with the path prefixes of its pages.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "补贴",
        (
            "/programmes",
            "/quote",
            "/catalogue",
            "/merchant",
            "/my",
            "/claims",
            "/releases",
            "/lottery",
            "/quota",
            "/quota-releases",
        ),
    ),
    (
        "资金",
        (
            "/settlement",
            "/ledger",
            "/budget",
            "/pacing",
            "/reconciliation",
            "/statements",
            "/clocks",
        ),
    ),
    ("回收", ("/recycling",)),
    ("设备更新", ("/equipment",)),
    ("督办", ("/supervision",)),
    ("风险", ("/integrity", "/federation")),
    ("二手", ("/secondhand",)),
    ("系统", ("/admin", "/audit", "/ops")),
)
OTHER = "其他"


@dataclass(frozen=True)
class MenuGroup:
    name: str
    items: list[MenuItem]

    def holds(self, path: str) -> bool:
        return any(item.href == path for item in self.items)


def group_of(item: MenuItem) -> str:
    for name, prefixes in GROUPS:
        if any(item.href == p or item.href.startswith(p + "/") for p in prefixes):
            return name
    return OTHER


def grouped_menu_for(role: str) -> tuple[list[MenuItem], list[MenuGroup]]:
    """The role's top-level entries (首页) and its other entries by area, in menu order."""
    top = [item for item in menu_for(role) if item.href == "/"]
    order = [name for name, _ in GROUPS] + [OTHER]
    groups = {name: MenuGroup(name, []) for name in order}
    for item in menu_for(role):
        if item.href != "/":
            groups[group_of(item)].items.append(item)
    return top, [g for g in groups.values() if g.items]
