"""The menu is grouped by area: every entry of every role falls in a named area, in menu
order; a long menu renders as areas, a short one stays flat."""

from __future__ import annotations

import builders
from huanxin.core.roles import Role
from huanxin.db import Database
from huanxin.web.nav import GROUPS, MENU, OTHER, group_of, grouped_menu_for, menu_for


def test_every_entry_has_an_area() -> None:
    assert [item.label for item in MENU if item.href != "/" and group_of(item) == OTHER] == []


def test_groups_keep_menu_order_and_lose_nothing() -> None:
    names = [name for name, _ in GROUPS] + [OTHER]
    for role in Role:
        top, groups = grouped_menu_for(role.value)
        flat = top + [item for g in groups for item in g.items]
        assert sorted(flat, key=menu_for(role.value).index) == menu_for(role.value)
        assert len(flat) == len(menu_for(role.value))
        assert [g.name for g in groups] == sorted((g.name for g in groups), key=names.index)


def test_office_menu_renders_by_area(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    page = builders.web_client(database, "office.140521").get("/").text
    nav = page.split('aria-label="主菜单"')[1].split("</nav>")[0]
    assert "<summary>补贴</summary>" in nav and "<summary>系统</summary>" in nav
    assert nav.index("<summary>补贴</summary>") < nav.index("<summary>回收</summary>")


def test_consumer_menu_stays_flat(database: Database) -> None:
    builders.world(database, ("consumer", "140521"))
    page = builders.web_client(database, "consumer.140521").get("/").text
    nav = page.split('aria-label="主菜单"')[1].split("</nav>")[0]
    assert "<summary>" not in nav and 'href="/my"' in nav
