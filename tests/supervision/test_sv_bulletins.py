"""Report templates and reports made from the ledger: figures of every domain kept as made,
.docx and PDF, delivery to the recipients' inboxes, refusals that store nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import builders
from huanxin.db import Database
from huanxin.supervision.mechanism_models import Bulletin, ReportTemplate

API = "/api/v1/supervision"


def post(api: TestClient, path: str, body: dict[str, Any], key: str) -> Any:
    return api.post(API + path, json=body, headers={"Idempotency-Key": key})


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def template(api: TestClient, ids: dict[str, int], kind: str = "ten_day") -> dict[str, Any]:
    body = {
        "jurisdiction_code": "140521",
        "kind": kind,
        "name": "以旧换新工作旬报",
        "opening": "现将本旬工作情况报告如下。",
        "figures": ["trade_in_claims", "trade_in_subsidy", "tasks_total", "escalations_open"],
        "recipients": [ids["县商务局"]],
    }
    r = post(api, "/report-templates", body, "t1")
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_ten_day_report_keeps_its_figures_and_reaches_the_recipient(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    tpl = template(api, sv_world)
    r = post(api, "/bulletins", {"template_id": tpl["id"], "period_end": "2026-11-15"}, "b1")
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["period_start"], made["period_end"], made["issue_no"]) == (
        "2026-11-11",
        "2026-11-15",
        1,
    )
    got = {f["key"]: (f["value"], f["unit"]) for f in made["figures"]}
    assert got == {
        "trade_in_claims": ("0", "笔"),
        "trade_in_subsidy": ("0.00", "元"),
        "tasks_total": ("0", "项"),
        "escalations_open": ("0", "项"),
    }
    # a later escalation does not change the report already made
    post(
        api,
        "/escalations",
        {
            "jurisdiction_code": "140521",
            "title": "用地",
            "ask": "支持",
            "level": "province",
            "addressee": "省商务厅",
        },
        "e1",
    )
    again = api.get(f"{API}/bulletins/{made['id']}").json()
    assert again["figures"] == made["figures"]
    second = post(api, "/bulletins", {"template_id": tpl["id"], "period_end": "2026-11-25"}, "b2")
    assert second.json()["issue_no"] == 2
    assert {f["key"]: f["value"] for f in second.json()["figures"]}["escalations_open"] == "1"
    doc = Document(io.BytesIO(api.get(made["docx"]).content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "以旧换新已支付补贴资金（本年累计）" in cells and "现将本旬工作情况报告如下。" in [
        p.text for p in doc.paragraphs
    ]
    # the recipient unit finds it in its list and reading marks the delivery
    dept = builders.api_client(database, "fagai")
    assert dept.get(f"{API}/bulletins/{made['id']}").status_code == 404
    mine = builders.api_client(database, "department.140521")
    assert [b["id"] for b in mine.get(f"{API}/bulletins").json()] == [
        second.json()["id"],
        made["id"],
    ]
    assert made["deliveries"] == [
        {"department_id": sv_world["县商务局"], "department": "县商务局", "read": False}
    ]
    mine.get(made["docx"])
    assert api.get(f"{API}/bulletins/{made['id']}").json()["deliveries"][0]["read"] is True


def test_template_naming_an_unknown_figure_is_refused(
    database: Database, sv_world: dict[str, int]
) -> None:
    api = builders.api_client(database, "office.140521")
    body = {
        "jurisdiction_code": "140521",
        "kind": "daily",
        "name": "日报",
        "figures": ["trade_in_claims", "gdp_growth"],
    }
    r = post(api, "/report-templates", body, "x1")
    assert r.status_code == 422 and r.json()["field"] == "figures"
    assert r.json()["code"] == "unknown_figure" and "gdp_growth" in r.json()["message"]
    r = post(api, "/report-templates", dict(body, figures=[]), "x2")
    assert r.status_code == 422 and r.json()["message"].startswith("数据项：")
    r = post(api, "/report-templates", dict(body, figures=["tasks_total"], recipients=[999]), "x3")
    assert r.status_code == 422 and r.json()["field"] == "recipients"
    assert count(database, ReportTemplate) == 0 and count(database, Bulletin) == 0


@pytest.mark.slow
def test_daily_report_pdf(sqlite_db: Database) -> None:
    import os

    from huanxin.supervision.service.briefings import office_binary

    if office_binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI")
        pytest.skip("LibreOffice not installed")
    builders.world(sqlite_db, ("office", "140521"))
    api = builders.api_client(sqlite_db, "office.140521")
    body = {
        "jurisdiction_code": "140521",
        "kind": "daily",
        "name": "日报",
        "figures": ["tasks_total", "trade_in_subsidy"],
    }
    tpl = post(api, "/report-templates", body, "t1").json()
    made = post(api, "/bulletins", {"template_id": tpl["id"], "period_end": "2026-11-15"}, "b1")
    r = api.get(made.json()["pdf"])
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "主要数据" in text


def test_cli_generates_a_ten_day_report(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    import json

    from typer.testing import CliRunner

    from huanxin.supervision.cli import app

    builders.world(sqlite_db, ("office", "140521"))
    monkeypatch.setattr("huanxin.supervision.cli._db", lambda: sqlite_db)
    out = tmp_path / "旬报.docx"
    args = [
        "bulletin",
        "-j",
        "140521",
        "--kind",
        "ten_day",
        "--date",
        "2026-11-15",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert (made["period_start"], made["issue_no"]) == ("2026-11-11", 1)
    assert "以旧换新工作旬报" in "".join(
        p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs
    )
    bad = CliRunner().invoke(app, ["bulletin", "-j", "140521", "--kind", "yearly"])
    assert bad.exit_code == 1 and "报告类型不存在：yearly" in bad.output
