"""Menu entries of the integrity pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("风险总览", "/integrity", "integrity:read"),
    MenuItem("风险复核", "/integrity/queue", "integrity:read"),
]
