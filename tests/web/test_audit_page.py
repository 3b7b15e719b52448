"""The audit page: people and places by name, actions and denial reasons in Chinese, and
the verification result with its reason in Chinese once the trail is tampered with."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import text

import builders
from huanxin.core import audit
from huanxin.db import Database


def test_audit_page_speaks_chinese_and_shows_tampering(database: Database) -> None:
    builders.world(database, ("consumer", "140521"), ("admin", "140000"))
    consumer = builders.api_client(database, "consumer.140521")
    assert consumer.get("/api/v1/users").status_code == 403  # an audited denial
    with database.unit_of_work() as session:  # a jurisdiction refusal carries its sentence
        audit.record(
            session,
            audit.SYSTEM,
            "access.denied",
            object_type="route",
            object_id="/api/v1/redemptions",
            jurisdiction_code="140521",
            detail={"reason": "outside_jurisdiction", "message": "额度不属于本商户所在地区"},
        )
    admin = builders.web_client(database, "admin.140000")
    page = admin.get("/audit")
    assert page.status_code == 200
    html = page.text
    assert "审计链校验通过" in html
    assert "拒绝访问" in html and "角色无权执行此操作" in html
    assert "额度不属于本商户所在地区" in html
    assert "consumer140521" in html and "沁水县" in html  # names, not ids or codes
    assert ">permission<" not in html and ">access.denied<" not in html

    with database.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET action = 'forged' WHERE id = 1"))  # oldest
    html = admin.get("/audit").text
    assert "审计链校验失败" in html and "内容与哈希不符：记录被修改" in html
    verify = builders.api_client(database, "admin.140000").post("/api/v1/audit/verify")
    assert verify.json()["ok"] is False and verify.json()["first_bad_id"] == 1


def test_audit_list_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("admin", "140000"))
    with database.unit_of_work() as session:
        for n in range(60):
            audit.record(
                session,
                audit.SYSTEM,
                "org.created",
                object_type="org",
                object_id=f"org-{n}",
                jurisdiction_code="140521",
            )
    admin = builders.web_client(database, "admin.140000")
    created = admin.get("/audit?action=org.created").text
    assert "共 60 条，第 1 / 2 页" in created and created.count("新增机构") >= 50
    assert "共 1 条" in admin.get("/audit?q=org-42").text
    assert "共 0 条" in admin.get("/audit?action=org.created&role=consumer").text
    sheet = admin.get("/audit.xlsx?action=org.created&sort=id")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "时间") and len(rows) == 61
    assert [r[5] for r in rows[1:]] == ["新增机构"] * 60 and rows[1][0] < rows[-1][0]
