"""Menu entries of the equipment pages (no role holds both equipment:own and equipment:read)."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("设备台账", "/equipment", "equipment:own"),
    MenuItem("更新项目", "/equipment/projects", "equipment:own"),
    MenuItem("贴息与抵免测算", "/equipment/calculators", "equipment:own"),
    MenuItem("设备更新", "/equipment", "equipment:read"),
    MenuItem("设备清单", "/equipment/lists", "equipment:read"),
    MenuItem("项目库", "/equipment/projects", "equipment:read"),
    MenuItem("设备投资", "/equipment/indicator", "equipment:read"),
    MenuItem("贴息与抵免测算", "/equipment/calculators", "equipment:read"),
]
