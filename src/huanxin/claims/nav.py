"""Menu entries of the trade-in pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [
    MenuItem("补贴政策", "/programmes", "policy:read"),
    MenuItem("补贴测算", "/quote", "policy:read"),
    MenuItem("产品目录", "/catalogue", "catalogue:write"),
    MenuItem("定时放券", "/quota-releases", "policy:write"),
    MenuItem("核销补贴", "/merchant/redeem", "claims:redeem"),
    MenuItem("门店与收银终端", "/merchant/sites", "claims:redeem"),
    MenuItem("我的补贴", "/my", "claims:own"),
    MenuItem("补贴申请", "/claims", "claims:read"),
    MenuItem("资金结算", "/settlement", "settlement:read"),
    MenuItem("资金对账", "/reconciliation", "settlement:read"),
    MenuItem("商户对账单", "/statements", "statements:own"),
    MenuItem("办理时限", "/clocks", "clocks:read"),
]
