"""A merchant's profile (/integrity/merchants/{id}) pages through every risky claim of the
merchant (it showed the top 100), opens on the held ones, filters by review status, finds
a claim by number or rule, sorts and exports what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
from huanxin.claims.models import Claim
from huanxin.core.models import Organization
from huanxin.db import Database
from huanxin.integrity.models import RiskReason, RiskScore

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _scored(db: Database, org_id: int, n: int) -> list[int]:
    """``n`` claims of the merchant: every fourth cleared, the rest held; k % 7 == 0 scored
    0 (not risky); every tenth hit 「发票重复」."""
    ids = []
    with db.unit_of_work() as session:
        for k in range(n):
            claim = Claim(
                kind="point_of_sale",
                state="approved",
                jurisdiction_code="140521",
                category="refrigerator",
                person_key=f"p{k}",
                person_name_enc="",
                resident_id_enc="",
                merchant_org_id=org_id,
                purchase_date=date(2026, 4, 1),
                price_fen=100_000,
                subsidy_fen=10_000,
                consumer_pays_fen=90_000,
                quote="{}",
                payee=f"org:{org_id}",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(claim)
            session.flush()
            ids.append(claim.id)
            status = "cleared" if k % 4 == 0 else "held"
            session.add(
                RiskScore(
                    claim_id=claim.id,
                    jurisdiction_code="140521",
                    merchant_org_id=org_id,
                    score=0 if k % 7 == 0 else 10 + k,
                    hold=status == "held",
                    status=status,
                    scanned_at=NOW,
                )
            )
            title = "发票重复" if k % 10 == 3 else "价格异常"
            session.add(
                RiskReason(
                    claim_id=claim.id,
                    detector="d",
                    kind="k",
                    title=title,
                    points=40,
                    explanation="说明",
                )
            )
    return ids


def _claims(html: str) -> list[str]:
    return re.findall(r'<a href="/integrity/claims/(\d+)">', html)


def test_merchant_profile_pages_its_risky_claims(database: Database) -> None:
    builders.world(database, ("merchant", "140521"), ("office", "140521"))
    with database.sessions() as session:
        org = session.scalars(select(Organization.id).where(Organization.kind == "merchant")).one()
    ids = _scored(database, org, 140)  # 120 risky (score > 0); 90 of them held
    office = builders.web_client(database, "office.140521")
    url = f"/integrity/merchants/{org}"
    opening = office.get(url).text
    held = [k for k in range(140) if k % 7 and k % 4]
    assert builders.list_total(opening) == len(held) and len(_claims(opening)) == 50
    assert _claims(opening)[0] == str(ids[max(held)])  # highest score first
    seen = _claims(opening) + _claims(office.get(url + "?page=2").text)
    assert sorted(seen) == sorted(str(ids[k]) for k in held)
    risky = [k for k in range(140) if k % 7]
    assert builders.list_total(office.get(url + "?status=all").text) == len(risky)
    found = office.get(url, params={"q": str(ids[3]), "status": "all"}).text
    assert _claims(found) == [str(ids[3])]
    invoices = office.get(url, params={"q": "发票重复", "status": "all"}).text
    assert builders.list_total(invoices) == len([k for k in risky if k % 10 == 3])

    sheet = office.get(f"{url}/claims.xlsx", params={"status": "cleared", "sort": "score"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    cleared = [k for k in risky if k % 4 == 0]
    assert rows[0][:2] == ("申请", "风险分") and len(rows) == 1 + len(cleared)
    assert rows[1][:2] == (ids[min(cleared)], 10 + min(cleared)) and rows[1][3] == "已放行"
    other = builders.web_client(database, "merchant.140521")
    assert other.get(url).status_code == 403
