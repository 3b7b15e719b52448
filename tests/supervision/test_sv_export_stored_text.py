"""Exports never fail on what is stored: control characters in a stored department name or
task title (written before the edge refused them) and formula-like text export as inert text."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.core.exports import safe_cell, safe_row
from huanxin.db import Database
from huanxin.supervision.models import Department, Task


def test_safe_cell_defuses_formulas_and_drops_illegal_characters() -> None:
    assert safe_cell('=HYPERLINK("http://x","点击")') == '\'=HYPERLINK("http://x","点击")'
    assert safe_cell("+1+2") == "'+1+2" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-12.50") == "-12.50"  # a plain negative number stays a number
    assert (
        safe_cell("县\x07商务\x00局") == "县商务局"
        and safe_cell("第一行\n第二行") == "第一行\n第二行"
    )
    assert safe_row([1, None, "a\x1bb"]) == [1, None, "ab"]


def test_ledger_xlsx_with_stored_control_characters(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api = builders.api_client(database, "office.140521")
    r = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("plan.txt", plan_text)},
        headers={"Idempotency-Key": "u"},
    )
    api.post(
        f"/api/v1/supervision/plans/{r.json()['id']}/confirm",
        json={"matches": {"县新能源推进中心": "new"}},
        headers={"Idempotency-Key": "c"},
    )
    with database.unit_of_work() as session:
        dept = session.scalars(select(Department).where(Department.name == "县商务局")).one()
        dept.name = "县商务\x07局"
        task = session.scalars(select(Task).order_by(Task.id)).first()
        assert task is not None
        task.title = "=1+1\x1b开展汽车以旧换新"
    r = api.get("/api/v1/supervision/ledger.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content))["任务台账"].iter_rows(values_only=True))
    assert rows[1][4] == "'=1+1开展汽车以旧换新"
    assert "县商务局" in rows[1][5]
