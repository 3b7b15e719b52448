"""Menu entries of the supervision pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("实施方案", "/supervision", "supervision:write"),
    MenuItem("任务台账", "/supervision/tasks", "supervision:read"),
    MenuItem("督办提醒", "/supervision/reminders", "supervision:read"),
    MenuItem("指标看板", "/supervision/indicators", "supervision:read"),
    MenuItem("工作简报", "/supervision/briefings", "supervision:write"),
    MenuItem("专班机制", "/supervision/inbox", "supervision:read"),
]
