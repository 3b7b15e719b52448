"""Menu entries of the secondhand pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("二手流通", "/secondhand", "secondhand:read"),
    MenuItem("二手信用管理", "/secondhand/credit", "secondhand:read"),
    MenuItem("公务仓管理", "/secondhand/warehouse/admin", "secondhand:read"),
    MenuItem("二手交易登记", "/secondhand/desk", "secondhand:deal"),
    MenuItem("二手估价", "/secondhand/estimate", "secondhand:check"),
    MenuItem("投诉二手经营者", "/secondhand/complaints", "secondhand:check"),
    MenuItem("旧设备交易", "/secondhand/trade", "secondhand:trade"),
    MenuItem("公务仓", "/secondhand/warehouse", "secondhand:trade"),
]
