"""用户管理 pages through every account in scope (it used to list them all on one page),
opens on the accounts delayed from logging in, filters by role and state, finds an account by
name or by a mobile typed in full (keyed hash), and exports what is filtered; the users API
pages with a total and a next link — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

import builders
from huanxin.core import pii
from huanxin.core.clock import utcnow
from huanxin.core.models import LoginAttempt, User
from huanxin.db import Database

MOBILE = "13800138000"


def _residents(db: Database, n: int) -> None:
    with db.unit_of_work() as session:
        for k in range(n):
            found = k == 7
            session.add(
                User(
                    username=f"resident{k:02d}",
                    display_name="张三丰" if found else f"居民{k:02d}",
                    password_hash="x",
                    role="consumer",
                    jurisdiction_code="140521",
                    active=k % 6 != 0,  # 10 of 60 stopped
                    mobile_enc=pii.seal(MOBILE) if found else None,
                    mobile_hash=pii.lookup_hash("mobile", MOBILE) if found else None,
                    created_at=utcnow(),
                )
            )
        session.add_all(  # resident59 is delayed from logging in
            LoginAttempt(
                username="resident59", client_ip="198.51.100.7", success=False, at=utcnow()
            )
            for _ in range(8)
        )


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)">', html)]


def test_users_page_through_all_delayed_first_and_export_the_filtered(
    database: Database,
) -> None:
    builders.world(database, ("admin", "140000"), ("office", "140521"), ("admin", "371525"))
    _residents(database, 60)
    admin = builders.web_client(database, "admin.140000")
    first = admin.get("/admin/users").text
    total = builders.list_total(first)
    assert total >= 62 and "解除登录限制" in first.split("</tr>", 2)[1]  # resident59 first
    seen = _ids(first) + _ids(admin.get("/admin/users?page=2").text)
    assert len(seen) == total == len(set(seen))
    assert builders.list_total(admin.get("/admin/users?role=consumer").text) == 60
    assert builders.list_total(admin.get("/admin/users?role=consumer&state=inactive").text) == 10
    by_name = admin.get("/admin/users?q=张三").text
    by_mobile = admin.get(f"/admin/users?q={MOBILE}").text
    assert (
        builders.list_total(by_name) == builders.list_total(by_mobile) == 1
        and "张三丰" in by_mobile
    )
    assert MOBILE not in by_mobile.split("<tbody>")[1].split("</tbody>")[0]  # masked

    sheet = admin.get("/admin/users.xlsx?role=consumer&state=inactive&sort=-username")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("用户名", "姓名", "角色", "区划") and len(rows) == 11
    assert {r[6] for r in rows[1:]} == {"停用"} and rows[1][0] == "resident54"
    other = builders.web_client(database, "admin.371525").get("/admin/users?q=resident").text
    assert builders.list_total(other) == 0


def test_users_api_pages_with_a_total_and_a_next_link(database: Database) -> None:
    builders.world(database, ("admin", "140000"), ("office", "140521"))
    _residents(database, 60)
    api = builders.api_client(database, "admin.140000")
    first = api.get("/api/v1/users?limit=40")
    total = int(first.headers["X-Total-Count"])
    assert total >= 62 and len(first.json()) == 40
    rest = api.get(builders.next_link(first))
    assert "Link" not in rest.headers and len(first.json() + rest.json()) == total
    assert len({u["id"] for u in first.json() + rest.json()}) == total
    bad = api.get("/api/v1/users?limit=5000")
    assert bad.status_code == 422 and bad.json()["field"] == "limit"
