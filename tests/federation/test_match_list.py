"""The cross-province match queue (/federation/matches) pages through every match in scope
(it drew them all at once), opens on those awaiting this province's decision, filters by
progress, kind and side, finds a match by claim number or the other province, and exports
what is filtered — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

import builders
from huanxin.claims.models import Claim
from huanxin.db import Database
from huanxin.federation.models import MatchRecord

NOW = datetime(2026, 11, 1, tzinfo=UTC)
STATES = ("open", "open", "disputed", "closed")


def _matches(db: Database, n: int) -> list[int]:
    """``n`` claims of 沁水县, each matched once: k % 4 == 3 closed; of the rest, every third
    decided by us; even k against 山东省 by device serial, odd k against 河南省 by VIN."""
    ids = []
    with db.unit_of_work() as session:
        for k in range(n):
            claim = Claim(
                kind="point_of_sale",
                state="reserved",
                jurisdiction_code="140521",
                category="refrigerator",
                person_key=f"p{k}",
                person_name_enc="",
                resident_id_enc="",
                purchase_date=date(2026, 10, 1),
                price_fen=300_000,
                subsidy_fen=10_000 + k,
                consumer_pays_fen=290_000,
                quote="{}",
                payee="consumer",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(claim)
            session.flush()
            ids.append(claim.id)
            status = STATES[k % 4]
            session.add(
                MatchRecord(
                    registry_match_id=10_000 + k,
                    claim_id=claim.id,
                    jurisdiction_code="140521",
                    side="challenger" if k % 2 else "holder",
                    kind="vin" if k % 2 else "device_serial",
                    other_code="410000" if k % 2 else "370000",
                    other_name="河南省" if k % 2 else "山东省",
                    status=status,
                    our_disposition="keep" if status != "closed" and k % 3 == 0 else None,
                    created_at=NOW + timedelta(minutes=k),
                    updated_at=NOW,
                )
            )
    return ids


def _claims(html: str) -> list[str]:
    return re.findall(r'<a href="/claims/(\d+)">第\d+号</a>', html)


def test_match_queue_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("office", "140521"))
    ids = _matches(database, 120)  # 90 not closed, 30 of them decided by us: 60 waiting
    office = builders.web_client(database, "office.140521")
    opening = office.get("/federation/matches").text
    assert builders.list_total(opening) == 60 and len(_claims(opening)) == 50
    assert _claims(opening)[0] == str(ids[1])  # the oldest waiting first (k = 0 is decided)
    seen = _claims(opening) + _claims(office.get("/federation/matches?page=2").text)
    assert len(set(seen)) == 60
    assert builders.list_total(office.get("/federation/matches?state=decided").text) == 30
    assert builders.list_total(office.get("/federation/matches?state=closed").text) == 30
    assert builders.list_total(office.get("/federation/matches?state=all&kind=vin").text) == 60
    late = office.get("/federation/matches?state=all&side=challenger&q=河南").text
    assert builders.list_total(late) == 60 and "本省后登记（离线期间受理）" in late
    one = office.get("/federation/matches", params={"q": str(ids[7]), "state": "all"}).text
    assert _claims(one) == [str(ids[7])] and "已结案" in one

    sheet = office.get("/federation/matches.xlsx", params={"state": "closed", "sort": "-claim"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("本省申请", "重复内容", "对方省份", "本省情形") and len(rows) == 31
    assert rows[1][:3] == (ids[119], "车辆识别代号", "河南省") and float(rows[1][5]) == 101.19  # type: ignore[arg-type]
