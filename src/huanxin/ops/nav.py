"""Menu entries of the operations pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [MenuItem("定时任务", "/ops/jobs", "ops:read")]
