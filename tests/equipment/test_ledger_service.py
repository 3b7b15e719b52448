"""Ledger import (all or nothing, row-by-row errors), stored flags, savings, reclassify."""

from __future__ import annotations

from sqlalchemy import func, select

import builders
from equipment.eqkit import GOOD_ROWS, HEAD, csv_bytes, register, upload
from huanxin.db import Database
from huanxin.equipment.models import EquipmentFlag, EquipmentItem, LedgerImport
from huanxin.equipment.savings import DEFAULT_FACTORS


def _counts(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (EquipmentItem, EquipmentFlag, LedgerImport)
        )  # type: ignore[return-value]


def test_import_classifies_and_stores_flags_with_source(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    r = upload(c, ent, csv_bytes(GOOD_ROWS))
    assert r.status_code == 201, r.text
    assert r.json() | {"import_id": 0} == {
        "import_id": 0,
        "rows": 5,
        "elimination": 1,
        "renewal": 1,
        "safety": 2,
    }
    items = {i["code"]: i for i in c.get(f"/api/v1/equipment/items?enterprise_id={ent}").json()}
    m1 = items["M1"]
    assert [f["rule"] for f in m1["flags"]] == ["efficiency.below_access"]
    assert "92.1" in m1["flags"][0]["threshold"] and "GB 18613-2020" in m1["flags"][0]["source"]
    kwh = 15 * 0.75 * 6000 * (100 / 91.0 - 100 / 93.9)
    assert m1["saving_kwh"] == round(kwh, 1)
    assert m1["saving_tce"] == round(kwh * DEFAULT_FACTORS.kgce_per_kwh / 1000, 3)
    assert [f["rule"] for f in items["PV1"]["flags"]] == ["life.pressure_vessel_20y"]
    assert [f["rule"] for f in items["M4"]["flags"]] == ["life.past_design_life"]
    assert items["M3"]["flags"] == [] and items["M3"]["grade"] == 2
    assert _counts(db) == (5, 4, 1)


def test_bad_file_reports_every_row_and_imports_nothing(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    rows = [
        ["M1", "电动机", "", 2015, 20, 6000, 75, 15, 4, 0.92],
        ["M2", "电动机", "", 2030, 20, 6000, 75, 15, 4, 93.0],
        ["X1", "火箭", "", 2015, "", "", "", "", "", ""],
    ]
    r = upload(c, ent, csv_bytes(rows))
    assert r.status_code == 422 and r.json()["code"] == "ledger_rejected"
    assert r.json()["errors"] == [
        {
            "row": 2,
            "column": "效率(%)",
            "reason": "单位错误：请以百分数填写（如 92.5 表示 92.5%），不要填写小数",
        },
        {"row": 3, "column": "投运年份", "reason": "投运年份晚于当前年份2025"},
        {"row": 4, "column": "设备类别", "reason": "未知设备类别“火箭”"},
    ]
    wrong = upload(c, ent, csv_bytes([["M1"]], head=["设备号"]), key="k2")
    assert wrong.status_code == 422
    assert {"row": 1, "column": "设备号", "reason": "未知列，请使用下载的模板"} in wrong.json()[
        "errors"
    ]
    assert _counts(db) == (0, 0, 0)


def test_code_already_in_ledger_rejects_the_second_file(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    assert upload(c, ent, csv_bytes(GOOD_ROWS[:2])).status_code == 201
    r = upload(c, ent, csv_bytes([GOOD_ROWS[2], GOOD_ROWS[1]]), key="again")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"row": 3, "column": "设备编号", "reason": "设备编号“M2”已在本企业台账中"}
    ]
    assert _counts(db)[0] == 2


def test_reclassify_on_demand_uses_the_new_year(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    row = ["PV2", "压力容器", "", 2005, "", "", "", "", "", ""]
    upload(c, ent, csv_bytes([row]))  # 20 years in 2025: not past the rule
    items = c.get(f"/api/v1/equipment/items?enterprise_id={ent}").json()
    assert items[0]["safety"] is False
    r = c.post(
        f"/api/v1/equipment/enterprises/{ent}/classify",
        json={"year": 2026},
        headers={"Idempotency-Key": "cls"},
    )
    assert r.status_code == 200 and r.json() == {"classified": 1}
    item = c.get(f"/api/v1/equipment/items/{items[0]['id']}").json()
    assert item["safety"] is True and item["flags"][0]["actual"] == "已使用21年"


def test_template_has_the_chinese_headers(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    r = c.get("/api/v1/equipment/template.csv")
    assert r.status_code == 200
    assert r.content.decode("utf-8-sig").splitlines()[0].split(",")[: len(HEAD[:2])] == HEAD[:2]
