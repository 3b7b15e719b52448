"""Supervision visits: planned by the lead unit, carried out, a finding with a photo becomes
a rectification task, closed with evidence through the ledger (API, both databases)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

import builders
from huanxin.db import Database
from huanxin.supervision.mechanism_models import Finding, MechanismFile
from huanxin.supervision.models import Task

API = "/api/v1/supervision"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%%EOF\n"


def count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def finding(
    api: TestClient,
    vid: int,
    data: dict[str, str],
    key: str,
    files: list[tuple[str, Any]] | None = None,
) -> Any:
    return api.post(
        f"{API}/visits/{vid}/findings",
        data=data,
        files=files or [],
        headers={"Idempotency-Key": key},
    )


def test_visit_finding_rectified_with_evidence(
    database: Database, sv_world: dict[str, int]
) -> None:
    office = builders.api_client(database, "office.140521")
    dept = builders.api_client(database, "department.140521")
    visit = {
        "jurisdiction_code": "140521",
        "lead_department_id": sv_world["县商务局"],
        "title": "家电以旧换新门店督导",
        "subject": "县城三家家电门店",
        "planned_on": "2026-11-12",
    }
    r = dept.post(f"{API}/visits", json=visit, headers={"Idempotency-Key": "v1"})
    assert r.status_code == 201, r.text
    vid = r.json()["id"]
    other = dict(visit, lead_department_id=sv_world["县发改局"])
    assert (
        dept.post(f"{API}/visits", json=other, headers={"Idempotency-Key": "v2"}).status_code == 403
    )
    r = dept.post(
        f"{API}/visits/{vid}/done",
        json={"summary": "抽查门店3家，发现1个问题"},
        headers={"Idempotency-Key": "d1"},
    )
    assert r.json()["state_label"] == "已开展"
    data = {
        "text": "门店未公示补贴标准",
        "department_id": str(sv_world["县商务局"]),
        "deadline": "2026-11-30",
    }
    r = finding(dept, vid, data, "f1", [("files", ("门店.png", PNG, "image/png"))])
    assert r.status_code == 201, r.text
    f = r.json()["findings"][0]
    assert f["closing_label"] == "整改中" and f["files"][0]["filename"] == "门店.png"
    assert dept.get(f["files"][0]["url"]).content == PNG
    task = office.get(f"{API}/tasks/{f['task_id']}").json()
    assert task["title"] == "整改：门店未公示补贴标准" and task["deadline"] == "2026-11-30"
    # the unit asks to close it with evidence; the office approves
    r = dept.post(
        f"{API}/tasks/{f['task_id']}/close-request",
        data={"evidence": "已张贴公示"},
        files=[("attachments", ("公示.pdf", PDF, "application/pdf"))],
        headers={"Idempotency-Key": "c1"},
    )
    assert r.status_code == 200, r.text
    r = office.post(
        f"{API}/tasks/{f['task_id']}/close-decision",
        json={"approve": True},
        headers={"Idempotency-Key": "c2"},
    )
    assert r.status_code == 200, r.text
    assert office.get(f"{API}/visits/{vid}").json()["findings"][0]["closing_label"] == "已整改销号"


def test_finding_without_deadline_is_refused_and_nothing_saved(
    database: Database, sv_world: dict[str, int]
) -> None:
    office = builders.api_client(database, "office.140521")
    visit = {
        "jurisdiction_code": "140521",
        "lead_department_id": sv_world["县商务局"],
        "title": "督导",
        "planned_on": "2026-11-12",
    }
    vid = office.post(f"{API}/visits", json=visit, headers={"Idempotency-Key": "v1"}).json()["id"]
    data = {"text": "问题", "department_id": str(sv_world["县商务局"])}
    r = finding(office, vid, data, "f1", [("files", ("a.png", PNG, "image/png"))])
    assert r.status_code == 422 and r.json()["field"] == "deadline"
    assert r.json()["code"] == "finding_without_deadline"
    r = finding(
        office,
        vid,
        dict(data, deadline="2026-11-30"),
        "f2",
        [("files", ("a.exe", b"MZ", "application/octet-stream"))],
    )
    assert r.status_code == 422 and r.json()["field"] == "files"
    r = finding(office, vid, dict(data, deadline="30/11/2026"), "f3")
    assert r.status_code == 422 and r.json()["message"].startswith("整改时限：")
    assert (count(database, Finding), count(database, MechanismFile), count(database, Task)) == (
        0,
        0,
        0,
    )
    other = builders.api_client(database, "office.371525")
    assert other.get(f"{API}/visits/{vid}").status_code == 404


def test_visit_pages(database: Database, sv_world: dict[str, int]) -> None:
    web = builders.web_client(database, "office.140521")
    page = web.get("/supervision/visits")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = web.post(
        "/supervision/visits",
        data={
            "csrf_token": token,
            "jurisdiction_code": "140521",
            "lead_department_id": str(sv_world["县商务局"]),
            "title": "回收网点督导",
            "planned_on": "2026-11-20",
        },
    )
    assert r.status_code == 303
    url = r.headers["location"]
    r = web.post(
        url + "/findings",
        data={"csrf_token": token, "text": "台账不全", "department_id": str(sv_world["县商务局"])},
    )
    assert r.status_code == 422 and "督导发现的问题必须写明整改时限" in r.text
    r = web.post(
        url + "/findings",
        data={
            "csrf_token": token,
            "text": "台账不全",
            "department_id": str(sv_world["县商务局"]),
            "deadline": "2026-12-10",
        },
        files=[("files", ("p.png", PNG, "image/png"))],
    )
    assert r.status_code == 303
    assert "台账不全" in web.get(url).text and "p.png" in web.get(url).text
