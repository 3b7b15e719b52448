"""Menu entries of the recycling pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("预约回收", "/recycling/book", "recycling:book"),
    MenuItem("回收调度", "/recycling/dispatch", "recycling:read"),
    MenuItem("回收网络", "/recycling/network", "recycling:read"),
    MenuItem("地址库", "/recycling/addresses", "recycling:manage"),
    MenuItem("过磅登记", "/recycling/weighings", "recycling:operate"),
    MenuItem("回收统计", "/recycling/reports", "recycling:read"),
    MenuItem("回收证明查验", "/recycling/certificate", "recycling:read"),
]
