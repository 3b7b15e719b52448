"""The menu: which pages each role sees. An entry shows when the role holds its permission.

Each domain lists its own entries in ``<domain>/nav.py``; they are assembled here, in order.
"""

from __future__ import annotations

from huanxin.claims import nav as claims_nav
from huanxin.core.roles import has_permission
from huanxin.equipment import nav as equipment_nav
from huanxin.federation import nav as federation_nav
from huanxin.integrity import nav as integrity_nav
from huanxin.ledger import nav as ledger_nav
from huanxin.ops import nav as ops_nav
from huanxin.recycling import nav as recycling_nav
from huanxin.secondhand import nav as secondhand_nav
from huanxin.supervision import nav as supervision_nav
from huanxin.web.ui import MenuItem

__all__ = ["MENU", "MenuItem", "menu_for"]

MENU: list[MenuItem] = [
    MenuItem("首页", "/", "home:view"),
    *claims_nav.MENU,
    *ledger_nav.MENU,
    *recycling_nav.MENU,
    *equipment_nav.MENU,
    *supervision_nav.MENU,
    *integrity_nav.MENU,
    *federation_nav.MENU,
    *secondhand_nav.MENU,
    MenuItem("行政区划", "/admin/jurisdictions", "jurisdictions:read"),
    MenuItem("用户管理", "/admin/users", "users:read"),
    MenuItem("审计日志", "/audit", "audit:read"),
    *ops_nav.MENU,
]


def menu_for(role: str) -> list[MenuItem]:
    return [item for item in MENU if has_permission(role, item.permission)]
