"""A ledger on the list kit: the enterprise page shows every row a page at a time (it cut the
ledger at 200 rows) and the department's lists every enterprise's (cut at 300), both opening
on the rows to eliminate, filtering by 判定, category and status (and sector and place for the
department), searching by number, model or enterprise, sorting, and exporting what is
filtered to .xlsx — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

import builders
from equipment.eqkit import HEAD, csv_bytes, register, upload, uscc_for
from huanxin.db import Database

# GB 18613-2020, 15 kW 4-pole: 91.0 % is below the access grade (淘汰), 94.0 % is grade 2
ROWS = [
    [
        f"M{k:03d}",
        "电动机",
        "YE3-SPECIAL" if k == 7 else "YE3-160L-4",
        2016,
        20,
        6000,
        75,
        15,
        4,
        91.0 if k % 2 == 0 else 94.0,
        "备用" if k % 10 == 3 else "在用",
    ]
    for k in range(70)
]


def _codes(html: str) -> list[str]:
    return re.findall(r'<a href="/equipment/items/\d+">([^<]+)</a>', html)


def _sheet(response: object) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return list(book.active.iter_rows(values_only=True))


def _ledger(db: Database) -> tuple[TestClient, int]:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)  # named after the enterprise's organisation, 140521enterprise
    r = upload(c, ent, csv_bytes(ROWS, [*HEAD, "状态"]))
    assert r.status_code == 201, r.text
    return builders.web_client(db, "enterprise.140521"), ent


def test_enterprise_ledger_pages_filters_searches_sorts_and_exports(db: Database) -> None:
    web, ent = _ledger(db)
    path = f"/equipment/enterprises/{ent}"
    opening = web.get(path).text
    assert builders.list_total(opening) == 35  # the rows to eliminate
    assert all(int(code[1:]) % 2 == 0 for code in _codes(opening))
    first = web.get(path, params={"flag": "all"}).text
    assert builders.list_total(first) == 70 and len(_codes(first)) == 50
    seen = _codes(first) + _codes(web.get(path, params={"flag": "all", "page": 2}).text)
    assert len(seen) == 70 == len(set(seen))
    assert _codes(web.get(path, params={"flag": "all", "sort": "-code"}).text)[0] == "M069"
    assert _codes(web.get(path, params={"flag": "all", "q": "special"}).text) == ["M007"]
    spare = web.get(path, params={"flag": "all", "status": "备用"}).text
    assert _codes(spare) == [f"M{k:03d}" for k in range(3, 70, 10)]

    rows = _sheet(web.get(f"{path}/items.xlsx", params={"sort": "-code"}))
    assert rows[0][:3] == ("设备编号", "设备类别", "型号") and len(rows) == 1 + 35
    head = rows[0]
    top = dict(zip(head, rows[1], strict=True))
    assert top["设备编号"] == "M068" and top["判定"] == "淘汰" and top["状态"] == "在用"
    assert "列入淘汰清单" in str(top["判定说明"]) and top["依据"]

    away = builders.web_client(db, "department.371525")
    assert away.get(path).status_code == 404
    assert away.get(f"{path}/items.xlsx").status_code == 404


def test_department_lists_page_every_enterprise_and_export(db: Database) -> None:
    _ledger(db)
    office = builders.api_client(db, "department.140521")
    second = register(office, uscc=uscc_for("B2"), key="reg-b", name="端氏机械厂")
    assert upload(office, second, csv_bytes(ROWS[:4]), key="imp-b").status_code == 201
    dept = builders.web_client(db, "department.140521")
    page = dept.get("/equipment/lists").text
    assert (
        builders.list_total(page) == 35 + 2 and "140521enterprise" in page and "端氏机械厂" in page
    )
    assert builders.list_total(dept.get("/equipment/lists", params={"q": "端氏"}).text) == 2
    every = dept.get("/equipment/lists", params={"flag": "all", "jurisdiction_code": "140521"})
    assert builders.list_total(every.text) == 74 and "沁水县" in every.text
    rows = _sheet(dept.get("/equipment/lists/items.xlsx", params={"q": "端氏"}))
    assert rows[0][:3] == ("企业", "区划", "设备编号")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("端氏机械厂", "沁水县", "M000"),
        ("端氏机械厂", "沁水县", "M002"),
    ]
    elsewhere = builders.web_client(db, "department.371525").get("/equipment/lists").text
    assert builders.list_total(elsewhere) == 0 and "没有符合条件的设备" in elsewhere
