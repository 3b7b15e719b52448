"""The eligible-product catalogue: .xlsx/.csv import, all or nothing, row-by-row errors."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import builders
import tradein
from huanxin.claims.models import CatalogueProduct
from huanxin.claims.service.catalogue import HEADERS
from huanxin.db import Database


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _count(db: Database) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CatalogueProduct)) or 0)


def test_xlsx_import_then_redeem_checks_the_model(database: Database) -> None:
    tradein.setup(database)
    office = builders.api_client(database, "office.140521")
    content = _xlsx(
        [
            ["refrigerator", "海尔", "BCD-500", "1", "5999.00", "2025-01-01", ""],
            ["refrigerator", "美的", "BCD-300", "2", "3999", "2025-01-01", "2025-12-31"],
        ]
    )
    r = office.post(
        "/api/v1/catalogue/import",
        headers={"Idempotency-Key": "import-1"},
        files={"file": ("目录.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 200 and r.json() == {"imported": 2}
    assert _count(database) == 2


def test_bad_rows_are_reported_and_nothing_is_imported(database: Database) -> None:
    tradein.setup(database)
    office = builders.api_client(database, "office.140521")
    csv_text = (
        ",".join(HEADERS)
        + "\nrefrigerator,海尔,BCD-1,1,5999,2025-01-01,\nrefrigerator,美的,,7,abc,2025-13-01,\n"
    )
    r = office.post(
        "/api/v1/catalogue/import",
        headers={"Idempotency-Key": "import-1"},
        files={"file": ("目录.csv", csv_text.encode("utf-8"), "text/csv")},
    )
    assert r.status_code == 422
    assert r.json()["message"].startswith("第3行「型号」：不能为空")
    assert "共4处错误，未导入任何数据" in r.json()["message"]
    assert _count(database) == 0


def test_catalogue_page_shows_row_errors(database: Database) -> None:
    tradein.setup(database)
    page = builders.web_client(database, "office.140521")
    csrf = page.get("/catalogue").text.split('name="csrf_token" value="')[1].split('"')[0]
    bad = _xlsx([["refrigerator", "海尔", "", "9", "x", "", ""]])
    r = page.post(
        "/catalogue",
        data={"csrf_token": csrf},
        files={"file": ("bad.xlsx", bad, "application/octet-stream")},
    )
    assert r.status_code == 422
    assert 'id="row-errors"' in r.text and "应为1-5" in r.text and "不是有效金额" in r.text
    good = _xlsx([["television", "TCL", "T-55", "1", "2999", "2025-01-01", ""]])
    r = page.post(
        "/catalogue",
        data={"csrf_token": csrf},
        files={"file": ("good.xlsx", good, "application/octet-stream")},
    )
    assert r.status_code == 200 and "已导入 1 个型号" in r.text and "T-55" in r.text


def _import(client: object, key: str, rows: list[list[str]]) -> object:
    return client.post(  # type: ignore[attr-defined]
        "/api/v1/catalogue/import",
        headers={"Idempotency-Key": key},
        files={"file": ("目录.xlsx", _xlsx(rows), "application/octet-stream")},
    )


def test_manufacturers_list_and_change_only_their_own_products(database: Database) -> None:
    tradein.setup(database)
    with database.unit_of_work() as session:
        builders.create_user(session, "manufacturer", "140521")
        builders.create_user(session, "manufacturer", "140500")
    maker = builders.api_client(database, "manufacturer.140521")
    rival = builders.api_client(database, "manufacturer.140500")
    row = ["refrigerator", "海尔", "BCD-500", "1", "5999.00", "2025-01-01", ""]
    assert _import(maker, "m1", [row]).status_code == 200  # type: ignore[attr-defined]
    changed = ["refrigerator", "海尔", "BCD-500", "2", "4999.00", "2025-01-01", ""]
    assert _import(maker, "m2", [changed]).status_code == 200  # type: ignore[attr-defined]
    refused = _import(
        rival, "r1", [["refrigerator", "美的", "BCD-9", "1", "1", "2025-01-01", ""], row]
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "第3行「型号」：该型号已由其他单位登记" in refused.json()["message"]  # type: ignore[attr-defined]
    with database.sessions() as session:
        products = session.scalars(select(CatalogueProduct)).all()
        assert [(p.model, p.grade, p.list_price_fen) for p in products] == [("BCD-500", 2, 499900)]
        assert products[0].owner_org_id is not None
    merchant = builders.api_client(database, "merchant.140521")
    assert _import(merchant, "x", [row]).status_code == 403  # type: ignore[attr-defined]


UNREADABLE = [
    ("目录.csv", ",".join(HEADERS).encode("gbk"), "文件不是UTF-8编码的CSV"),
    ("目录.xlsx", bytes(range(256)) * 4, "文件不是有效的Excel（.xlsx）文件"),
    ("目录.xlsx", b"", "文件为空"),
]


@pytest.mark.parametrize(("name", "content", "reason"), UNREADABLE)
def test_unreadable_file_is_refused_on_the_api(
    database: Database, name: str, content: bytes, reason: str
) -> None:
    tradein.setup(database)
    office = builders.api_client(database, "office.140521")
    r = office.post(
        "/api/v1/catalogue/import",
        headers={"Idempotency-Key": "unreadable-1"},
        files={"file": (name, content, "application/octet-stream")},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "upload_unreadable" and body["field"] == "file"
    assert body["message"] == f"「文件」：{reason}，未导入任何数据"
    assert _count(database) == 0


def test_unreadable_files_are_refused_on_the_page(database: Database) -> None:
    tradein.setup(database)
    page = builders.web_client(database, "office.140521")
    csrf = page.get("/catalogue").text.split('name="csrf_token" value="')[1].split('"')[0]
    for name, content, reason in UNREADABLE:
        r = page.post(
            "/catalogue",
            data={"csrf_token": csrf},
            files={"file": (name, content, "application/octet-stream")},
        )
        assert r.status_code == 422 and reason in r.text
    assert _count(database) == 0
