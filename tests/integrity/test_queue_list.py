"""The review queue pages through every scored claim (it used to stop at 200), opens on the
held ones, filters, searches by claim number and rule, and exports what is filtered — on
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook

import builders
from huanxin.claims.models import Claim
from huanxin.db import Database
from huanxin.integrity.models import RiskReason, RiskScore

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _scored(db: Database, n: int) -> list[int]:
    """``n`` scored claims: every fifth cleared, the rest held; every tenth hit 「发票重复」."""
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
                purchase_date=date(2026, 4, 1),
                price_fen=100_000,
                subsidy_fen=10_000,
                consumer_pays_fen=90_000,
                quote="{}",
                payee="consumer",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(claim)
            session.flush()
            status = "cleared" if k % 5 == 0 else "held"
            session.add(
                RiskScore(
                    claim_id=claim.id,
                    jurisdiction_code="140521",
                    score=40 + k % 60,
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
            ids.append(claim.id)
    return ids


def _count(html: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", html)
    assert found, html
    return int(found.group(1).replace(",", ""))


def _claims(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/integrity/claims/(\d+)"', html)]


def test_queue_pages_through_every_held_claim_and_exports_the_filtered(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    ids = _scored(database, 300)  # 240 held: more than the old cap of 200
    office = builders.web_client(database, "office.140521")
    assert _count(office.get("/integrity/queue").text) == 240
    seen: list[int] = []
    for number in range(1, 6):
        seen += _claims(office.get(f"/integrity/queue?page={number}").text)
    assert len(seen) == 240 == len(set(seen))
    assert _count(office.get("/integrity/queue?status=").text) == 300
    assert _count(office.get("/integrity/queue?status=cleared").text) == 60
    assert _claims(office.get(f"/integrity/queue?status=&q=%23{ids[17]}").text) == [ids[17]]
    assert _count(office.get("/integrity/queue?status=&q=发票重复").text) == 30

    sheet = office.get("/integrity/queue.xlsx?q=发票重复&sort=score")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("申请", "风险分", "命中规则", "复核状态") and len(rows) == 31
    assert {r[3] for r in rows[1:]} == {"暂停支付待复核"} and {r[2] for r in rows[1:]} == {
        "发票重复"
    }
    scores = [r[1] for r in rows[1:]]
    assert scores == sorted(scores)  # type: ignore[type-var]
    everything = office.get("/integrity/queue.xlsx?status=")
    assert len(list(load_workbook(io.BytesIO(everything.content)).active.iter_rows())) == 301
