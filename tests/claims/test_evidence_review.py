"""Claim review in the pages: evidence opens inline (its opening audited), a checklist item
cannot be confirmed for a file the reviewer has not opened, and the applicant's identity is
masked until a role allowed to see it asks (audited)."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select
from tests.claims.test_lifecycle import CAR, CHECKLIST, PDF

import builders
import tradein
from huanxin.core.models import AuditEntry
from huanxin.db import Database


def _apply(db: Database, kind: str = "vehicle_sales_invoice") -> int:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/applications",
        headers={"Idempotency-Key": "ev-app"},
        data={
            "category": "passenger_car",
            "price_fen": "15000000",
            "purchase_date": "2025-03-10",
            "evidence_kind": kind,
            "attributes": json.dumps(CAR),
            "vin": tradein.VIN,
        },
        files={"file": ("购车发票.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _count(db: Database, action: str) -> int:
    with db.unit_of_work() as session:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(session.scalar(stmt) or 0)


def test_checklist_needs_the_file_opened(database: Database) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    office = builders.web_client(database, "office.140521")
    page = office.get(f"/claims/{claim_id}").text
    link = re.search(rf'data-src="(/claims/{claim_id}/evidence/\d+)"', page)
    assert link is not None and "购车发票.pdf" in page
    form = {"csrf_token": _csrf(page), "decision": "approve", "checklist": CHECKLIST}
    refused = office.post(f"/claims/{claim_id}/decide", data=form)
    assert refused.status_code == 422
    assert "请先打开并查看材料后再勾选核对：购车发票.pdf" in refused.text
    assert _count(database, "claim.evidence_opened") == 0

    opened = office.get(link.group(1))
    assert opened.status_code == 200 and opened.content == PDF
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline")
    assert opened.headers["x-frame-options"] == "SAMEORIGIN"
    assert _count(database, "claim.evidence_opened") == 1
    assert "已查看" in office.get(f"/claims/{claim_id}").text

    approved = office.post(f"/claims/{claim_id}/decide", data=form, follow_redirects=False)
    assert approved.status_code == 303
    assert "审核通过" in office.get(f"/claims/{claim_id}").text


def test_a_file_filed_under_no_item_must_be_opened_before_any_tick(database: Database) -> None:
    """The demo and the web form file uploads under kinds the checklist does not name
    (invoice, application): such a file may support any item, so every tick waits for it."""
    tradein.setup(database)
    claim_id = _apply(database, kind="invoice")
    office = builders.web_client(database, "office.140521")
    page = office.get(f"/claims/{claim_id}").text
    form = {"csrf_token": _csrf(page), "decision": "approve", "checklist": CHECKLIST}
    refused = office.post(f"/claims/{claim_id}/decide", data=form)
    assert (
        refused.status_code == 422
        and "请先打开并查看材料后再勾选核对：购车发票.pdf" in refused.text
    )
    one = {**form, "checklist": ["id_info"]}
    assert "购车发票.pdf" in office.post(f"/claims/{claim_id}/decide", data=one).text
    link = re.search(rf'data-src="(/claims/{claim_id}/evidence/\d+)"', page)
    assert link is not None and office.get(link.group(1)).status_code == 200
    approved = office.post(f"/claims/{claim_id}/decide", data=form, follow_redirects=False)
    assert approved.status_code == 303


def test_identity_masked_until_revealed(database: Database) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    office = builders.web_client(database, "office.140521")
    page = office.get(f"/claims/{claim_id}").text
    masked = re.search(r'class="applicant-id">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    assert "*" in masked and masked != tradein.RESIDENT_ID
    revealed = office.post(f"/claims/{claim_id}/reveal", data={"csrf_token": _csrf(page)})
    assert revealed.status_code == 200
    assert tradein.RESIDENT_ID in revealed.text and "已记入审计日志" in revealed.text
    assert _count(database, "pii.revealed") == 1
    merchant = builders.web_client(database, "merchant.140521")
    other = merchant.get("/")
    refused = merchant.post(f"/claims/{claim_id}/reveal", data={"csrf_token": _csrf(other.text)})
    assert refused.status_code in (403, 404)
    assert _count(database, "pii.revealed") == 1
