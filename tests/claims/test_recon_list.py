"""The reconciliation page (/reconciliation) pages through every line (it showed the newest
500 mismatches), opens on those waiting for action, filters by state, outcome and file kind,
finds a line by 单号 or file name, and exports what is filtered; one file's page lists that
file's lines the same way — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from openpyxl import load_workbook

import builders
from huanxin.claims.models import ReconFile, ReconLine
from huanxin.db import Database

NOW = datetime(2026, 11, 3, tzinfo=UTC)
OUTCOMES = ("matched", "missing", "extra", "amount_differs")


def _file(db: Database, kind: str, name: str, code: str, n: int) -> int:
    """A file of ``n`` lines cycling through the outcomes; every fifth mismatch resolved."""
    with db.unit_of_work() as session:
        file = ReconFile(
            kind=kind,
            jurisdiction_code=code,
            filename=name,
            sha256=name.ljust(64, "0"),
            rows=n,
            matched=0,
            mismatched=0,
            imported_at=NOW,
        )
        session.add(file)
        session.flush()
        for k in range(n):
            outcome = OUTCOMES[k % 4]
            resolved = outcome != "matched" and k % 5 == 0
            session.add(
                ReconLine(
                    file_id=file.id,
                    jurisdiction_code=code,
                    row_no=k + 2,
                    outcome=outcome,
                    reference=f"{kind.upper()}{k:04d}",
                    expected_fen=1_000 + k,
                    reported_fen=1_000 + k + (outcome == "amount_differs"),
                    resolution="已核实" if resolved else "",
                    resolved_at=NOW if resolved else None,
                )
            )
        return file.id


def _refs(html: str) -> list[str]:
    return re.findall(r'<td data-label="单号">([A-Z]+\d{4})</td>', html)


def _sheet(response: object) -> list[tuple[object, ...]]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(response.content))  # type: ignore[attr-defined]
    return list(book.active.iter_rows(values_only=True))


def test_reconciliation_pages_filters_searches_and_exports(database: Database) -> None:
    builders.world(database, ("finance", "140521"), ("office", "140521"))
    bank = _file(database, "bank", "银行结果11月.csv", "140521", 160)  # 120 mismatches
    _file(database, "card", "云闪付11月.csv", "140521", 40)  # 30 mismatches
    _file(database, "bank", "冠县银行.csv", "371525", 40)  # another county's
    finance = builders.web_client(database, "finance.140521")
    opening = finance.get("/reconciliation").text
    # 150 mismatches, 30 of them resolved (k % 5 == 0 and not matched): 120 waiting
    assert builders.list_total(opening) == 120 and len(_refs(opening)) == 50
    assert '<span class="badge bad" id="open-count">120</span>' in opening
    seen = [r for n in (1, 2, 3) for r in _refs(finance.get(f"/reconciliation?page={n}").text)]
    assert len(seen) == 120 == len(set(seen))
    assert "BANK0001" in seen and "BANK0000" not in seen and "BANK0005" not in seen
    everything = finance.get("/reconciliation?state=all").text
    assert builders.list_total(everything) == 200 and "冠县" not in everything
    assert builders.list_total(finance.get("/reconciliation?state=resolved").text) == 30
    assert builders.list_total(finance.get("/reconciliation?state=matched").text) == 50
    differs = finance.get("/reconciliation?outcome=amount_differs&kind=card").text
    assert builders.list_total(differs) == 8  # k = 3, 7, …, 39 less k = 15, 35 resolved
    by_ref = finance.get("/reconciliation", params={"q": "card0007"}).text
    assert _refs(by_ref) == ["CARD0007"]
    by_file = finance.get("/reconciliation", params={"q": "云闪付", "state": "all"}).text
    assert builders.list_total(by_file) == 40
    cheapest = finance.get("/reconciliation?sort=expected").text
    assert _refs(cheapest)[:2] == ["BANK0001", "CARD0001"]

    rows = _sheet(finance.get("/reconciliation.xlsx?kind=card&sort=reference"))
    assert rows[0][:3] == ("处理状态", "结果", "单号") and len(rows) == 1 + 24
    assert (
        rows[1][:3] == ("待处理", "文件缺少", "CARD0001")
        and rows[1][7] == "银联/云闪付核销明细：云闪付11月.csv"
    )

    one = finance.get(f"/reconciliation/files/{bank}").text
    assert builders.list_total(one) == 160 and 'id="matched"' in one
    file_rows = _sheet(finance.get(f"/reconciliation/files/{bank}/lines.xlsx?outcome=extra"))
    assert len(file_rows) == 1 + 40 and {r[1] for r in file_rows[1:]} == {"系统无记录"}
    office = builders.web_client(database, "office.140521")
    assert "导出Excel" in office.get("/reconciliation").text
    assert finance.get("/reconciliation/files/999999").status_code == 404
