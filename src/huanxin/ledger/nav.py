"""Menu entries of the ledger pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [MenuItem("预算资金", "/ledger", "ledger:read")]
