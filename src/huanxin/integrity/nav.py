"""Menu entries of the integrity pages."""

from huanxin.web.ui import MenuItem

MENU: list[MenuItem] = []
