"""Synthetic claims with injected fraud, loaded into a database through the capture path.

:func:`load` takes the labelled canonical claims of :mod:`bench.integrity_synth` and stores
them with :func:`huanxin.claims.service.bulk.insert_claims`: each claim's name, mobile and
delivery address become keyed hashes and Bloom-filter encodings, its payee account and
address are sealed, exactly as a real claim's (the same ``signals.columns``). Around them it
registers what a real deployment has: a county per jurisdiction code, a merchant
organisation per merchant with its store (coordinates), the returns and clawbacks.

Where the platform itself refuses a fraud, the fraud reaches the database in the form it
can take there: a device serial, VIN or recycling certificate is unique by constraint, so
the injected second claim of one of them is loaded as a second claim of the same purchase
under its invoice (serial made unique, VIN and certificate left out); a device that redeems
many people's quotas is a broker's till at one merchant (the device's first merchant).

:func:`run` is ``huanxin bench integrity-db``: generate, load into a fresh PostgreSQL
database, full scan with a stored index, then a day of new claims and returns of claims
already scanned, daily scan; precision and recall per kind of the full scan.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import insert, select

from huanxin.claims.models import MerchantStore
from huanxin.claims.service import bulk
from huanxin.claims.service.signals import Signals
from huanxin.core.clock import CHINA_TZ
from huanxin.core.models import Jurisdiction, Organization
from huanxin.db import Database

BATCH = 5_000
STATE_OF = {
    "submitted": "submitted",
    "approved": "approved",
    "paid": "paid",
    "rejected": "rejected",
    "cancelled": "cancelled",
    "clawed_back": "returned",
}


def platform_form(frame: pl.DataFrame) -> pl.DataFrame:
    """The claims as the platform can hold them (see the module's docstring)."""
    frame = frame.sort("claimed_at", "claim_id")
    for column in ("device_serial", "vin", "recycling_cert_no"):
        first = frame.group_by(column).agg(pl.col("invoice_no").first().alias("_inv"))
        frame = frame.join(first, on=column, how="left")
        again = pl.col(column).is_not_null() & ~pl.col(column).is_first_distinct()
        frame = frame.with_columns(
            pl.when(again).then(pl.col("_inv")).otherwise(pl.col("invoice_no")).alias("invoice_no"),
            pl.when(again)
            .then(
                None
                if column != "device_serial"
                else pl.col(column) + "-" + pl.col("claim_id").cast(pl.Utf8)
            )
            .otherwise(pl.col(column))
            .alias(column),
        ).drop("_inv")
    broker = pl.col("fraud_kind") == "quota_trading_device"
    first = (
        frame.filter(broker).group_by("device_id").agg(pl.col("merchant_id").first().alias("_m"))
    )
    frame = frame.join(first, on="device_id", how="left").with_columns(
        pl.when(broker).then(pl.col("_m")).otherwise(pl.col("merchant_id")).alias("merchant_id")
    )
    return frame.drop("_m")


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=CHINA_TZ).astimezone(UTC)


def places(db: Database, frame: pl.DataFrame) -> dict[str, int]:
    """Counties, merchant organisations and stores; the merchant id → organisation id map."""
    merchants = (
        frame.group_by("merchant_id")
        .agg(
            pl.col("jurisdiction_code").first(),
            pl.col("merchant_lat").first(),
            pl.col("merchant_lon").first(),
        )
        .sort("merchant_id")
    )
    now = datetime.now(UTC)
    with db.unit_of_work() as session:
        known = set(session.scalars(select(Jurisdiction.code)))
        codes = sorted(set(frame["jurisdiction_code"].to_list()) - known)
        if codes:
            session.execute(
                insert(Jurisdiction),
                [{"code": c, "name": f"县{c}", "level": "county", "path": f"/{c}/"} for c in codes],
            )
        orgs = {}
        for row in merchants.iter_rows(named=True):
            org = Organization(
                kind="merchant",
                name=f"商户{row['merchant_id']}",
                jurisdiction_code=row["jurisdiction_code"],
                created_at=now,
            )
            session.add(org)
            session.flush()
            session.add(
                MerchantStore(
                    org_id=org.id,
                    jurisdiction_code=row["jurisdiction_code"],
                    name="门店",
                    address="",
                    lat=row["merchant_lat"],
                    lon=row["merchant_lon"],
                    created_at=now,
                )
            )
            orgs[row["merchant_id"]] = org.id
        session.flush()
        stores = dict(session.execute(select(MerchantStore.org_id, MerchantStore.id)).all())
    return orgs | {f"store:{m}": stores[o] for m, o in orgs.items()}


def _state(row: dict[str, Any]) -> str:
    """A returned claim is ``returned`` unless its subsidy stayed paid (the fraud)."""
    if row["returned_at"] is not None and row["status"] != "paid":
        return "returned"
    return STATE_OF.get(row["status"], "submitted")


def _captured(row: dict[str, Any], orgs: dict[str, int]) -> bulk.Captured:
    merchant = row["merchant_id"]
    weight = row["recycled_weight_kg"]
    return bulk.Captured(
        id=row["claim_id"],
        kind="point_of_sale",
        state=_state(row),
        jurisdiction_code=row["jurisdiction_code"],
        category=row["category"],
        person_key=row["consumer_key"],
        name=row["consumer_name"],
        merchant_org_id=orgs[merchant],
        product_model=row["model"],
        device_serial=row["device_serial"] or "",
        vin=row["vin"],
        invoice_no=row["invoice_no"],
        recycling_cert_no=row["recycling_cert_no"],
        purchase_date=row["purchase_date"],
        price_fen=row["price_fen"],
        subsidy_fen=row["subsidy_fen"],
        created_at=_utc(row["claimed_at"]),
        signals=Signals(
            store_id=orgs[f"store:{merchant}"],
            terminal_id=row["device_id"],
            redeem_lat=row["redeem_lat"],
            redeem_lon=row["redeem_lon"],
            name=row["consumer_name"],
            mobile=row["phone"],
            address=row["address"],
            payee_account=row["bank_account_key"],
            recycled_weight_g=None if weight is None else round(weight * 1000),
            cap_fen=row["cap_fen"],
        ),
    )


def _return(row: dict[str, Any], orgs: dict[str, int]) -> bulk.Return:
    return bulk.Return(
        claim_id=row["claim_id"],
        at=_utc(row["returned_at"]),
        from_state="paid",
        clawed=row["status"] == "clawed_back",
        amount_fen=row["subsidy_fen"],
        payee=f"org:{orgs[row['merchant_id']]}",
    )


def load_claims(db: Database, frame: pl.DataFrame, orgs: dict[str, int]) -> None:
    """Store the claims of ``frame`` (platform form) through the bulk capture path."""
    for start in range(0, frame.height, BATCH):
        part = frame.slice(start, BATCH).to_dicts()
        with db.unit_of_work() as session:
            bulk.insert_claims(session, [_captured(r, orgs) for r in part])
            bulk.insert_returns(
                session, [_return(r, orgs) for r in part if r["returned_at"] is not None]
            )


def load(db: Database, frame: pl.DataFrame) -> dict[str, int]:
    """Places, merchants and all claims of ``frame``; the merchant map."""
    form = platform_form(frame)
    orgs = places(db, form)
    load_claims(db, form, orgs)
    return orgs


def _timed_scan(url: str, state: Path, *, daily: bool) -> tuple[float, dict[str, object]]:
    from huanxin.integrity.cli import scan_database

    start = time.perf_counter()
    summary = scan_database(url, state, daily=daily)
    return round(time.perf_counter() - start, 3), summary


def _last_day_returns(db: Database, early: pl.DataFrame, count: int) -> None:
    """Returns, today, of ``count`` claims already scanned (paid, subsidy not recovered)."""
    from sqlalchemy import update

    from huanxin.claims.models import Claim, ClaimEvent

    ids = early.filter((pl.col("status") == "paid") & pl.col("returned_at").is_null())
    now = datetime.now(UTC)
    with db.unit_of_work() as session:
        for claim_id in ids["claim_id"].head(count).to_list():
            session.add(
                ClaimEvent(
                    claim_id=claim_id,
                    from_state="paid",
                    to_state="returned",
                    actor_role="merchant",
                    note="",
                    at=now,
                )
            )
        session.execute(
            update(Claim)
            .where(Claim.id.in_(ids["claim_id"].head(count).to_list()))
            .values(updated_at=now)
        )


def run_bench(claims: int, seed: int, admin_url: str, workdir: Path) -> dict[str, Any]:
    """``{"claims", "full_scan_s", "incremental_s", "by_kind"}`` of the database scans.

    The claims of all days but the last are loaded and scanned in full (with the stored
    index); then the last day's claims and returns of 0.1 % of the earlier claims arrive and
    the daily scan runs. ``by_kind`` is the full scan's precision and recall (all claims
    judged), computed from the reasons the scan stored.
    """
    from bench.integrity_synth import synthesize
    from huanxin.claims.sales_world import postgres_database
    from huanxin.migrate import upgrade

    load_before = os.getloadavg()
    path = workdir / f"claims-db-{claims}-{seed}.parquet"
    if not path.exists():
        synthesize(claims, seed, path)
    frame = platform_form(pl.read_parquet(path))
    last = frame["claimed_at"].max() - timedelta(days=1)  # type: ignore[operator]
    early, late = (
        frame.filter(pl.col("claimed_at") < last),
        frame.filter(pl.col("claimed_at") >= last),
    )
    with postgres_database(admin_url, "integrity") as url, tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("HUANXIN_SECRET_KEY", "bench-integrity-db")
        upgrade(url)
        db = Database(url)
        t0 = time.perf_counter()
        orgs = places(db, frame)
        load_claims(db, early, orgs)
        load_s = round(time.perf_counter() - t0, 1)
        state = Path(tmp) / "state"
        full_s, full = _timed_scan(url, state, daily=False)
        labels = early.select("claim_id", "fraud_kind")
        report = _report(db, labels)
        load_claims(db, late, orgs)
        _last_day_returns(db, early, max(1, early.height // 1000))
        daily_s, daily = _timed_scan(url, state, daily=True)
        db.dispose()
    return {
        "claims": early.height,
        "full_scan_s": full_s,
        "incremental_s": daily_s,
        "by_kind": report,
        "daily_claims": daily.get("claims"),
        "daily_rejudged": daily.get("rejudged"),
        "load_s": load_s,
        "full_summary": full,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }


def _report(db: Database, labels: pl.DataFrame) -> dict[str, dict[str, float]]:
    from huanxin.integrity.models import RiskReason
    from huanxin.integrity.scan import evaluate

    with db.sessions() as session:
        rows = session.execute(select(RiskReason.kind, RiskReason.claim_id)).all()
    hits = pl.DataFrame(rows, schema={"kind": pl.Utf8, "claim_id": pl.Int64}, orient="row")
    report = evaluate(hits, labels)
    return {k: {"precision": v["precision"], "recall": v["recall"]} for k, v in report.items()}
