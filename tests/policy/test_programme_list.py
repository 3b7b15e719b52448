"""The programmes page (/programmes) lists every version the actor may read a page at a
time (it drew each as a wide card, all at once), the same versions the quote engine's scope
rule admits, opens on those in force, filters by state, level and payment mode, searches by
name, sorts, exports what is filtered, and opens one version's rules — on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

import builders
import tradein
from huanxin.core.clock import today_cn
from huanxin.db import Database
from huanxin.policy import service as policies
from huanxin.policy.models import ProgrammeVersion

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _copies(db: Database, n: int) -> None:
    """``n`` versions of 沁水县's first programme renamed 试点政策000…, ended in 2025."""
    with db.unit_of_work() as session:
        base = session.scalars(select(ProgrammeVersion).order_by(ProgrammeVersion.id)).first()
        assert base is not None
        for k in range(n):
            session.add(
                ProgrammeVersion(
                    programme_id=f"pilot-{k:03d}",
                    version=1,
                    title=f"试点政策{k:03d}",
                    level="county",
                    jurisdiction_code="140521" if k % 2 == 0 else "371525",
                    effective_start=date(2025, 1, 1 + k % 28),
                    effective_end=date(2025, 12, 31),
                    payment_mode="post_purchase",
                    body=base.body,
                    digest=base.digest,
                    source_file="t.yaml",
                    loaded_at=NOW,
                )
            )


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/programmes/\d+">([^<]+)</a>', html)


def test_programmes_page_filters_searches_sorts_and_exports(database: Database) -> None:
    tradein.setup(database)
    with database.sessions() as session:
        shipped = policies.visible_programmes(session, frozenset({"140521"}))
    today = today_cn()
    in_force = [
        p
        for p in shipped
        if p.effective.start <= today and (p.effective.end is None or p.effective.end >= today)
    ]
    _copies(database, 120)  # 60 of 沁水县, 60 of 冠县 (not visible from 沁水县)
    web = builders.web_client(database, "office.140521")
    opening = web.get("/programmes").text
    assert builders.list_total(opening) == len(in_force)
    everything = web.get("/programmes?state=all").text
    assert builders.list_total(everything) == len(shipped) + 60
    ended = web.get("/programmes?state=ended&level=county&q=试点").text
    assert builders.list_total(ended) == 60 and len(_titles(ended)) == 50
    second = _titles(web.get("/programmes?state=ended&level=county&q=试点&page=2").text)
    assert len(set(_titles(ended) + second)) == 60
    assert all(int(t[4:]) % 2 == 0 for t in _titles(ended) + second)  # none of 冠县's
    by_name = web.get("/programmes?state=all&sort=title&q=试点政策0").text
    assert _titles(by_name)[:2] == ["试点政策000", "试点政策002"]
    assert "140521" not in everything.split('id="programmes"')[1]

    sheet = web.get("/programmes.xlsx?state=ended&sort=-title&q=试点")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("政策名称", "版本", "层级", "发布区划") and len(rows) == 1 + 60
    assert rows[1][:4] == ("试点政策118", 1, "县级", "沁水县") and rows[1][7] == "已失效"

    with database.sessions() as session:
        first = session.scalars(select(ProgrammeVersion).order_by(ProgrammeVersion.id)).first()
        other = session.scalars(
            select(ProgrammeVersion.id).where(ProgrammeVersion.jurisdiction_code == "371525")
        ).first()
    assert first is not None
    detail = web.get(f"/programmes/{first.id}")
    assert detail.status_code == 200 and "资金分担" in detail.text and first.title in detail.text
    assert web.get(f"/programmes/{other}").status_code == 404
