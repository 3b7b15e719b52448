"""Indicators (manual entry), reminders, briefing .docx, ledger .xlsx, pages and the demo."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

import builders
from huanxin.core.clock import today_cn
from huanxin.db import Database
from huanxin.supervision import demo, indicators
from huanxin.supervision.models import IndicatorValue, Plan, Task
from huanxin.supervision.service import briefings, ledger


def ready(db: Database, plan_text: bytes) -> tuple[builders.TestClient, int]:
    api = builders.api_client(db, "office.140521")
    r = api.post(
        "/api/v1/supervision/plans",
        data={"jurisdiction_code": "140521"},
        files={"file": ("plan.txt", plan_text)},
        headers={"Idempotency-Key": "u"},
    )
    plan_id = r.json()["id"]
    api.post(
        f"/api/v1/supervision/plans/{plan_id}/confirm",
        json={"matches": {"县新能源推进中心": "new"}},
        headers={"Idempotency-Key": "c"},
    )
    return api, plan_id


def test_indicator_manual_entry_by_responsible_department(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api, _ = ready(database, plan_text)
    items = {i["name"]: i for i in api.get("/api/v1/supervision/indicators").json()}
    inv = items["设备投资规模"]
    assert (inv["kind"], inv["target_value"], inv["baseline_year"]) == ("increase_pct", 25.0, 2023)
    dept = builders.api_client(database, "department.140521")
    url = f"/api/v1/supervision/indicators/{inv['id']}/values"
    body = {"year": 2024, "value": 110.0, "source": "县统计局年报"}
    refused = dept.post(url, json=body, headers={"Idempotency-Key": "v0"})
    assert refused.status_code == 403 and "不由本部门负责" in refused.json()["message"]
    cfg = {"baseline_value": 100.0, "department_id": sv_world["县商务局"]}
    api.post(
        f"/api/v1/supervision/indicators/{inv['id']}/config",
        json=cfg,
        headers={"Idempotency-Key": "v1"},
    )
    r = dept.post(url, json=body, headers={"Idempotency-Key": "v2"})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["target_level"] == 125.0 and got["progress_percent"] == 40.0
    assert got["forecast"] == 140.0 and got["on_course"] is True
    assert got["values"] == [{"year": 2024, "value": 110.0, "source": "县统计局年报"}]
    no_source = dept.post(
        url, json={"year": 2025, "value": 1.0, "source": " "}, headers={"Idempotency-Key": "v3"}
    )
    assert no_source.status_code == 422
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IndicatorValue)) == 1
    # matched to the platform's equipment-investment source, which has no rows here: nothing
    # computed, and the department's entry stands
    assert inv["computed_key"] == "equipment_investment" and indicators.computed.SOURCES


def test_reminders_deadline_and_missing_report(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api, _ = ready(database, plan_text)
    today = today_cn()
    with database.unit_of_work() as session:
        tasks = list(session.scalars(select(Task).order_by(Task.id)))
        tasks[0].deadline = today + timedelta(days=10)
        tasks[1].deadline = today - timedelta(days=3)
        tasks[2].created_at = tasks[2].created_at - timedelta(days=70)
    rows = api.get("/api/v1/supervision/reminders", params={"days": 15}).json()
    kinds = {(r["ref"], r["kind"]) for r in rows}
    assert ("二/（一）", "deadline") in kinds and ("二/（二）", "overdue") in kinds
    assert ("二/（三）", "missing_report") in kinds
    assert ("二/（一）", "missing_report") not in kinds  # created this period
    near = next(r for r in rows if r["kind"] == "deadline")
    assert near["message"] == "距完成时限还有 10 天" and near["label"] == "临近时限"


def test_briefing_docx_and_ledger_xlsx(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    api, _ = ready(database, plan_text)
    with database.unit_of_work() as session:
        first = session.scalars(select(Task).order_by(Task.id)).first()
        assert first is not None
        first.deadline = date(2024, 12, 31)
    body = {"jurisdiction_code": "140521", "period_start": "2026-01-01", "period_end": "2026-12-31"}
    r = api.post("/api/v1/supervision/briefings", json=body, headers={"Idempotency-Key": "b1"})
    assert r.status_code == 201 and r.json()["issue_no"] == 1
    second = api.post("/api/v1/supervision/briefings", json=body, headers={"Idempotency-Key": "b2"})
    assert second.json()["issue_no"] == 2
    doc = Document(io.BytesIO(api.get(r.json()["docx"]).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "工作信息简报" in text and "第1期" in text
    assert "任务总数3项" in text and "已逾期1项" in text
    assert "二/（一） 开展汽车以旧换新（牵头：县商务局；时限：2024-12-31）" in text
    assert len(doc.inline_shapes) == 1  # the status chart (no indicator progress yet)
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["序号", "任务", "牵头单位", "进度", "状态"]
    assert rows[1] == ["二/（一）", "开展汽车以旧换新", "县商务局", "", "已逾期"]
    pdf = api.get(f"/api/v1/supervision/briefings/{r.json()['id']}.pdf")
    if briefings.office_binary() is None:
        assert pdf.status_code == 503 and "未安装 LibreOffice" in pdf.json()["message"]
    else:
        assert pdf.content.startswith(b"%PDF")
    wb = load_workbook(io.BytesIO(api.get("/api/v1/supervision/ledger.xlsx").content))
    sheet = wb["任务台账"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == briefings.LEDGER_HEADER
    assert [v[2] for v in values[1:]] == ["二/（一）", "二/（二）", "二/（三）"]
    assert values[1][14] == "已逾期" and values[3][6] == "县新能源推进中心"


def test_pages_upload_review_confirm(
    database: Database, sv_world: dict[str, int], plan_text: bytes
) -> None:
    web = builders.web_client(database, "office.140521")
    home = web.get("/supervision")
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = web.post(
        "/supervision/plans",
        data={"csrf_token": csrf, "jurisdiction_code": "140521"},
        files={"file": ("plan.txt", plan_text)},
    )
    assert r.status_code == 303
    plan_url = r.headers["location"]
    page = web.get(plan_url)
    assert "未能归位的文本（1 段）" in page.text and "工作目标到2027年" in page.text
    review = web.get(plan_url + "/review")
    assert "未匹配单位：1 个" in review.text and "别名一致" in review.text
    bad = web.post(plan_url + "/review", data={"csrf_token": csrf})
    assert bad.status_code == 422 and "县新能源推进中心" in bad.text
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 0
        match_id = review.text.split('<select name="unit_')
    selects = [part.split('"')[0] for part in match_id[1:]]
    form = {"csrf_token": csrf, **{f"unit_{i}": "" for i in selects}}
    form[f"unit_{selects[-1]}"] = "new"
    ok = web.post(plan_url + "/review", data=form)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/supervision/tasks")
    ledger_page = web.get(ok.headers["location"])
    assert "开展汽车以旧换新" in ledger_page.text and "县新能源推进中心" in ledger_page.text
    assert "指标完成进度" not in web.get("/supervision/indicators").text
    assert "<svg" in web.get("/supervision/indicators").text
    notplan = web.post(
        "/supervision/plans",
        data={"csrf_token": csrf, "jurisdiction_code": "140521"},
        files={"file": ("a.txt", "通知\n".encode())},
    )
    assert notplan.status_code == 422 and "不是实施方案" in notplan.text


@pytest.mark.slow
def test_demo_is_idempotent(database: Database) -> None:
    with database.unit_of_work() as session:
        demo.build_demo(session)
    with database.unit_of_work() as session:
        demo.build_demo(session)
    with database.sessions() as session:
        plans = list(session.scalars(select(Plan)))
        expected = len(demo.SAMPLE_PLACES)
        imported = [p for p in plans if p.file_format != "assigned"]
        assert len(imported) == expected and {p.status for p in plans} == {"confirmed"}
        assert len(plans) == expected + 1  # 沁水县's plan of tasks its meetings and visits assigned
        assert session.scalar(select(func.count()).select_from(IndicatorValue)) > 0
    assert ledger.REMIND_DAYS == 30
