"""Report files opened and read back; the import page shows the row-by-row errors; the
dashboard page renders; the database benchmark and the demo run."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

import builders
from bench.equipment import run_bench
from equipment.eqkit import GOOD_ROWS, csv_bytes, register, upload
from huanxin import demo
from huanxin.db import Database
from huanxin.equipment.demo import build_demo
from huanxin.equipment.models import Enterprise, Project


def test_plan_docx_xlsx_and_department_lists(db: Database) -> None:
    c = builders.api_client(db, "enterprise.140521")
    ent = register(c)
    upload(c, ent, csv_bytes(GOOD_ROWS))
    doc = Document(io.BytesIO(c.get(f"/api/v1/equipment/enterprises/{ent}/plan.docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "140521enterprise设备更新“一企一策”报告" in text
    assert "列入淘汰清单1台，更新改造对象1台，安全评估到期2台" in text
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "M1" in cells and "低于准入水平，列入淘汰清单" in cells
    project = {
        "enterprise_id": ent,
        "name": "电机能效提升",
        "equipment_investment_fen": 123_456_789,
        "total_investment_fen": 150_000_000,
    }
    made = c.post("/api/v1/equipment/projects", json=project, headers={"Idempotency-Key": "p"})
    assert made.status_code == 201, made.text
    wb = load_workbook(io.BytesIO(c.get(f"/api/v1/equipment/enterprises/{ent}/plan.xlsx").content))
    info = dict(r[:2] for r in wb["企业信息"].iter_rows(values_only=True))
    assert str(info["所属区划"]).endswith("沁水县")
    amount = wb["更新项目"]["D2"]  # 设备投资(元): a number of yuan with separators, not text
    assert amount.value == 1234567.89 and amount.number_format == "#,##0.00"
    assert [r[0] for r in wb["淘汰清单"].iter_rows(min_row=2, values_only=True)] == ["M1"]
    assert sorted(r[0] for r in wb["安全评估到期"].iter_rows(min_row=2, values_only=True)) == [
        "M4",
        "PV1",
    ]
    dept = builders.api_client(db, "department.140521")
    lists = load_workbook(
        io.BytesIO(dept.get("/api/v1/equipment/lists.xlsx?sector=industry").content)
    )
    inventory = list(lists["设备使用现状清单"].iter_rows(min_row=2, values_only=True))
    assert ("沁水县", "工业", "三相异步电动机", 4, 4, 1, 1, 1) in inventory
    elim = list(lists["设备淘汰清单"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[4]) for r in elim] == [("沁水县", "140521enterprise", "M1")]
    empty = load_workbook(
        io.BytesIO(dept.get("/api/v1/equipment/lists.xlsx?sector=health").content)
    )
    assert list(empty["设备淘汰清单"].iter_rows(min_row=2, values_only=True)) == []


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_import_page_shows_row_errors_and_dashboard_renders(db: Database) -> None:
    ent = register(builders.api_client(db, "enterprise.140521"))
    web = builders.web_client(db, "enterprise.140521")
    page = web.get("/equipment")
    assert page.status_code == 303 and page.headers["location"] == f"/equipment/enterprises/{ent}"
    html = web.get(f"/equipment/enterprises/{ent}").text
    bad = csv_bytes([["M1", "电动机", "", 2015, 20, 6000, 75, "15 MW", 4, 91]])
    r = web.post(
        f"/equipment/enterprises/{ent}/import",
        data={"csrf_token": _csrf(html)},
        files={"file": ("台账.csv", io.BytesIO(bad), "text/csv")},
    )
    assert r.status_code == 422
    assert "单位错误：本列单位为kW，填写的是“MW”" in r.text and 'id="import-errors"' in r.text
    ok = web.post(
        f"/equipment/enterprises/{ent}/import",
        data={"csrf_token": _csrf(html)},
        files={"file": ("台账.csv", io.BytesIO(csv_bytes(GOOD_ROWS)), "text/csv")},
    )
    assert ok.status_code == 303
    dash = builders.web_client(db, "department.140521").get("/equipment/projects")
    assert dash.status_code == 200 and "<svg" in dash.text and "竣工投产" in dash.text


def test_database_bench_imports_stores_and_classifies(tmp_path: Path) -> None:
    result = run_bench(120, 3, tmp_path)
    assert result["rows"] == 120 and result["database"] == "sqlite"
    assert result["flags_stored"] >= result["elimination"] + result["renewal"]


def test_demo_is_deterministic_and_idempotent(sqlite_db: Database) -> None:
    with sqlite_db.unit_of_work() as s:
        demo.build(s)
        build_demo(s)
    with sqlite_db.unit_of_work() as s:
        build_demo(s)
    with sqlite_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 6
        stages = dict(s.execute(select(Project.stage, func.count()).group_by(Project.stage)).all())
    assert stages == {"planning": 3, "applied": 3, "approved": 3, "building": 3, "completed": 6}
