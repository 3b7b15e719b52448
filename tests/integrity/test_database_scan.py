"""Every detector fires on claims stored in the database through the capture path (both
databases), and the daily scan judges new claims and returns of claims already scanned."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from sqlalchemy import select, update

import builders
from bench.integrity_db import load, load_claims, places, platform_form
from bench.integrity_synth import synthesize
from huanxin.claims.models import CatalogueProduct, Claim, ClaimEvent
from huanxin.claims.service import bulk
from huanxin.claims.service.signals import Signals
from huanxin.core.clock import CHINA_TZ, as_utc, utcnow
from huanxin.db import Database
from huanxin.integrity import dbscan
from huanxin.integrity.models import RiskReason
from huanxin.integrity.scan import evaluate, scan
from huanxin.integrity.schema import FRAUD_KINDS
from huanxin.integrity.source import claims_connection

CLAIMS = 5000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("synth") / "claims.parquet"
    synthesize(CLAIMS, 3, path)
    return pl.read_parquet(path)


def _reasons(db: Database, detector: str) -> set[int]:
    with db.sessions() as session:
        stmt = select(RiskReason.claim_id).where(RiskReason.detector == detector)
        return set(session.scalars(stmt))


def test_every_detector_fires_on_database_claims(
    database: Database, synthetic: pl.DataFrame
) -> None:
    load(database, synthetic)
    with database.sessions() as session:
        con = claims_connection(session)
        report = evaluate(scan(con).hits, synthetic.select("claim_id", "fraud_kind"))
        con.close()
    for kind in FRAUD_KINDS:
        assert report[kind]["true_positive"] > 0, (kind, report[kind])
    assert report["variant_identity"]["precision"] >= 0.8, report["variant_identity"]


def _hits(db: Database, ids: set[int]) -> set[tuple[int, str]]:
    with db.sessions() as session:
        stmt = select(RiskReason.claim_id, RiskReason.detector)
        return {(int(c), str(d)) for c, d in session.execute(stmt) if c in ids}


def test_daily_scan_judges_new_claims_as_a_full_scan_and_a_late_return(
    database: Database, synthetic: pl.DataFrame, tmp_path: Path
) -> None:
    form = platform_form(synthetic)
    cutoff = form["claimed_at"].max() - timedelta(days=20)  # type: ignore[operator]
    early, later = (
        form.filter(pl.col("claimed_at") < cutoff),
        form.filter(pl.col("claimed_at") >= cutoff),
    )
    orgs = places(database, form)
    load_claims(database, early, orgs)
    state = tmp_path / "state"
    with database.unit_of_work() as session:
        done = dbscan.full_scan(session, state)
    dbscan.commit_daily(done)
    load_claims(database, later, orgs)
    paid = early.filter((pl.col("status") == "paid") & pl.col("returned_at").is_null())
    victim = int(paid["claim_id"][0])
    assert victim not in _reasons(database, "return_after_subsidy")
    with database.unit_of_work() as session:
        session.add(
            ClaimEvent(
                claim_id=victim,
                from_state="paid",
                to_state="returned",
                actor_role="merchant",
                note="",
                at=utcnow(),
            )
        )
        session.execute(update(Claim).where(Claim.id == victim).values(updated_at=utcnow()))
    with database.unit_of_work() as session:
        daily = dbscan.daily_scan(session, state)
    dbscan.commit_daily(daily)
    assert daily.summary["claims"] == later.height and daily.summary["rejudged"] >= 1
    assert victim in _reasons(database, "return_after_subsidy")
    new = set(later["claim_id"].to_list())
    stored = _hits(database, new)
    with database.sessions() as session:
        con = claims_connection(session)
        hits = scan(con).hits
        con.close()
    full = {
        (int(c), str(d)) for c, d in hits.select("claim_id", "detector").iter_rows() if c in new
    }
    assert stored == full and stored
    with database.unit_of_work() as session:  # nothing changed: nothing judged again
        again = dbscan.daily_scan(session, state)
    assert again.summary["claims"] == 0 and again.summary["rejudged"] == 0


def _claim(i: int, address: str, price_fen: int) -> bulk.Captured:
    return bulk.Captured(
        id=i,
        kind="point_of_sale",
        state="approved",
        jurisdiction_code="140521",
        category="refrigerator",
        person_key=f"person-{i % 4}",
        name=f"顾客{i % 4}",
        merchant_org_id=None,
        product_model="BCD-500",
        device_serial=f"SN{i:06d}",
        vin=None,
        invoice_no=f"2514200000{i:010d}",
        recycling_cert_no=None,
        purchase_date=date(2025, 6, 1),
        price_fen=price_fen,
        subsidy_fen=price_fen // 5,
        created_at=utcnow() - timedelta(days=i),
        signals=Signals(name=f"顾客{i % 4}", mobile=f"1380013{i:04d}", address=address),
    )


def test_bulk_delivery_and_price_above_filed_price_fire_on_database_claims(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        builders.create_places(session)
        session.add(
            CatalogueProduct(
                category="refrigerator",
                brand="演示",
                model="BCD-500",
                list_price_fen=500_000,
                valid_from=date(2024, 1, 1),
                created_at=utcnow(),
            )
        )
        warehouse = [_claim(i, "幸福路 9 号 1栋-101室", 520_000) for i in range(1, 9)]
        homes = [_claim(i, f"和平街{i}号", 600_000) for i in range(9, 12)]
        bulk.insert_claims(session, [*warehouse, *homes])
    with database.sessions() as session:
        con = claims_connection(session)
        hits = scan(con).hits
        con.close()
    fired = {
        d: set(hits.filter(pl.col("detector") == d)["claim_id"].to_list())
        for d in ("bulk_delivery", "above_filed_price")
    }
    assert fired["bulk_delivery"] == set(range(1, 9))  # 8 items, 4 people, one address
    assert fired["above_filed_price"] == {9, 10, 11}  # 600 > 500 × 110 %; 520 is within
    reason = hits.filter(pl.col("detector") == "above_filed_price")["explanation"][0]
    assert (
        reason
        == "成交价 6000.00 元高于该型号备案价 5000.00 元的 120%（允许上浮 10%），疑似抬价套取补贴。"
    )


def test_copied_rows_equal_the_row_by_row_query(
    database: Database, synthetic: pl.DataFrame
) -> None:
    """PostgreSQL's COPY path (``detection_table``) gives the same rows, values and types as
    the row-by-row query, including times in China Standard Time, NULLs and encodings."""
    from huanxin.claims.service import detection

    load(database, synthetic.head(800))
    with database.sessions() as session:
        table = detection.detection_table(session)
        rows = pa.Table.from_batches(list(detection.detection_batches(session)), detection.SCHEMA)
        since = rows["created_at"][400].as_py()
        moment = as_utc(since.replace(tzinfo=CHINA_TZ))
        recent = detection.detection_table(session, created_from=moment)
    assert table.num_rows == 800 and table.schema == detection.SCHEMA
    assert table.equals(rows)
    assert recent.num_rows == sum(1 for t in rows["created_at"].to_pylist() if t >= since)
    assert table["name_clk"].null_count < 800 and table["returned_at"].null_count < 800
