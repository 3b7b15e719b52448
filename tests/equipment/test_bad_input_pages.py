"""Bad input through the pages: a file with wrong columns and impossible values is reported
row by row and imports nothing; an illegal lifecycle step answers 409 with the reason."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

import builders
from equipment.eqkit import csv_bytes, register
from huanxin.db import Database
from huanxin.equipment.models import EquipmentItem, Project


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_wrong_columns_and_impossible_values_import_nothing(db: Database) -> None:
    ent = register(builders.api_client(db, "enterprise.140521"))
    web = builders.web_client(db, "enterprise.140521")
    csrf = _csrf(web.get(f"/equipment/enterprises/{ent}").text)
    head = ["设备编号", "设备类别", "投运年份", "额定功率", "负载率(%)"]
    rows = [["M1", "电动机", 2015, 15, 75], ["M2", "电动机", 1800, 15, 250]]
    r = web.post(
        f"/equipment/enterprises/{ent}/import",
        data={"csrf_token": csrf},
        files={"file": ("台账.csv", io.BytesIO(csv_bytes(rows, head)), "text/csv")},
    )
    assert r.status_code == 422 and "额定功率" in r.text and "未知列，请使用下载的模板" in r.text
    fixed = ["设备编号", "设备类别", "投运年份", "额定功率(kW)", "负载率(%)"]
    r = web.post(
        f"/equipment/enterprises/{ent}/import",
        data={"csrf_token": csrf},
        files={"file": ("台账.csv", io.BytesIO(csv_bytes(rows, fixed)), "text/csv")},
    )
    assert r.status_code == 422
    assert "数值不可能：不应小于1900" in r.text and "数值不可能：不应大于100" in r.text
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(EquipmentItem)) == 0


def test_illegal_step_on_the_page_is_409_with_reason(db: Database) -> None:
    api = builders.api_client(db, "enterprise.140521")
    ent = register(api)
    body = {
        "enterprise_id": ent,
        "name": "锅炉更新",
        "equipment_investment_fen": 100,
        "total_investment_fen": 100,
    }
    pid = api.post(
        "/api/v1/equipment/projects", json=body, headers={"Idempotency-Key": "p"}
    ).json()["id"]
    web = builders.web_client(db, "enterprise.140521")
    csrf = _csrf(web.get(f"/equipment/projects/{pid}").text)
    r = web.post(
        f"/equipment/projects/{pid}/step", data={"csrf_token": csrf, "to_stage": "completed"}
    )
    assert r.status_code == 409
    assert "下一步只能是“申报”，不能进入“竣工投产”" in r.text
    with db.sessions() as s:
        assert s.get(Project, pid).stage == "planning"
