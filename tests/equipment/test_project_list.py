"""The project library's list opens on the viewer's waiting work (the department on projects
waiting for approval, the enterprise on those not completed), searches by name and exports
what is filtered."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

import builders
from equipment.eqkit import register
from huanxin.db import Database


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def test_project_list_opens_on_waiting_work_and_exports(db: Database) -> None:
    ent_c = builders.api_client(db, "enterprise.140521")
    ent = register(ent_c)
    ids = []
    for n, name in enumerate(("电机更新", "锅炉改造", "产线数字化")):
        body = {
            "enterprise_id": ent,
            "name": name,
            "equipment_investment_fen": 100_000_000 * (n + 1),
            "total_investment_fen": 150_000_000 * (n + 1),
            "planned_on": "2025-01-02",
        }
        r = ent_c.post(
            "/api/v1/equipment/projects", json=body, headers={"Idempotency-Key": f"p{n}"}
        )
        ids.append(r.json()["id"])
    step = {"to_stage": "applied", "on_date": "2025-02-01"}
    r = ent_c.post(
        f"/api/v1/equipment/projects/{ids[1]}/steps", json=step, headers={"Idempotency-Key": "s"}
    )
    assert r.status_code == 200, r.text

    dept = builders.web_client(db, "department.140521").get("/equipment/projects").text
    assert "项目（待审批）" in dept and _count(dept) == 1 and "锅炉改造" in dept
    web = builders.web_client(db, "enterprise.140521")
    mine = web.get("/equipment/projects").text
    assert "项目（未竣工）" in mine and _count(mine) == 3
    assert _count(web.get("/equipment/projects?stage=all&q=锅炉").text) == 1
    sheet = web.get("/equipment/projects.xlsx?stage=all&sort=equipment")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["电机更新", "锅炉改造", "产线数字化"]
    assert [float(r[4]) for r in rows[1:]] == [1_000_000.0, 2_000_000.0, 3_000_000.0]
