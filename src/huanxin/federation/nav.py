"""Menu entry of the federation pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = [MenuItem("跨省重复核查", "/federation/matches", "claims:review")]
