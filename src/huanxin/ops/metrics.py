"""Prometheus metrics at ``/metrics``, answered only to ``HUANXIN_METRICS_ALLOW`` addresses.

Per-process counters (requests, latency per route, redemptions by outcome) use
prometheus-client's multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set (``huanxin
serve --workers N`` and the systemd unit set it), so every worker's counts add up. Figures
that live in the database — money remaining per pool, job runs and durations, the last
integrity scan's time — are read at scrape time by ``DatabaseCollector``, so a job run by a
systemd timer in another process is still seen.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from huanxin.db import Database

REQUESTS = Counter("huanxin_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "huanxin_http_request_duration_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REDEMPTIONS = Counter(
    "huanxin_redemptions",
    "Point-of-sale redemptions by outcome (accepted or refusal code)",
    ["outcome"],
)
REDEEM_ROUTE = "/api/v1/redemptions"
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe(method: str, route: str, status: int, seconds: float, error_code: str | None) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if route == REDEEM_ROUTE and method == "POST":
        REDEMPTIONS.labels("accepted" if status < 300 else (error_code or f"http_{status}")).inc()


def allowed(client: str | None, allow: str) -> bool:
    """Whether ``client`` falls in the comma-separated list of addresses or networks.

    >>> allowed("127.0.0.1", "127.0.0.1"), allowed("10.0.0.7", "127.0.0.1,10.0.0.0/24")
    (True, True)
    >>> allowed("192.0.2.1", "127.0.0.1"), allowed(None, "127.0.0.1")
    (False, False)
    """
    if not client:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    for item in filter(None, (part.strip() for part in allow.split(","))):
        if address in ipaddress.ip_network(item, strict=False):
            return True
    return False


class DatabaseCollector(Collector):
    """Money remaining per pool and the jobs' last runs, read from the database per scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        from huanxin.ledger import service as ledger
        from huanxin.ops.jobs.models import JobRun

        available = GaugeMetricFamily(
            "huanxin_pool_available_fen",
            "Money not yet reserved or spent, in fen",
            labels=["pool", "programme", "layer", "jurisdiction"],
        )
        reserved = GaugeMetricFamily(
            "huanxin_pool_reserved_fen",
            "Money reserved by open claims, in fen",
            labels=["pool", "programme", "layer", "jurisdiction"],
        )
        runs = CounterMetricFamily(
            "huanxin_job_runs", "Job runs recorded, by outcome", labels=["job", "outcome"]
        )
        last = GaugeMetricFamily(
            "huanxin_job_last_duration_seconds",
            "Duration of the job's last finished run",
            labels=["job"],
        )
        ended = GaugeMetricFamily(
            "huanxin_job_last_success_timestamp_seconds",
            "When the job last succeeded (Unix time)",
            labels=["job"],
        )
        scan = GaugeMetricFamily(
            "huanxin_integrity_scan_seconds",
            "Time the last nightly integrity scan took to judge every claim",
        )
        with self.db.sessions() as session:
            for money in ledger.pool_money(session):
                pool = money.pool
                labels = [str(pool.id), pool.programme_id, pool.layer, pool.jurisdiction_code]
                available.add_metric(labels, float(money.available))
                reserved.add_metric(labels, float(money.reserved))
            counts = select(JobRun.job, JobRun.outcome, func.count()).group_by(
                JobRun.job, JobRun.outcome
            )
            for job, outcome, n in session.execute(counts):
                runs.add_metric([job, outcome], float(n))
            for job, seconds, success_at in _last_runs(session):
                last.add_metric([job], seconds)
                if success_at is not None:
                    ended.add_metric([job], success_at)
            if (scan_s := _last_scan_seconds(session)) is not None:
                scan.add_metric([], scan_s)
        yield from (available, reserved, runs, last, ended, scan)


def _last_runs(session: Any) -> Iterator[tuple[str, float, float | None]]:
    from huanxin.ops.jobs.service import last_runs

    for view in last_runs(session):
        if view.last is not None and view.last.seconds is not None:
            success = view.last_success.finished_at if view.last_success else None
            yield view.job, view.last.seconds, success.timestamp() if success else None


def _last_scan_seconds(session: Any) -> float | None:
    """``scan_s`` of the newest successful integrity scan (the job stores it in its summary)."""
    import json

    from huanxin.ops.jobs.models import JobRun

    stmt = select(JobRun.summary).where(JobRun.job == "integrity_scan", JobRun.outcome == "ok")
    raw = session.scalars(stmt.order_by(JobRun.started_at.desc()).limit(1)).first()
    try:
        value = json.loads(raw).get("scan_s") if raw else None
    except ValueError:
        return None
    return float(value) if isinstance(value, int | float) else None


def exposition(db: Database) -> bytes:
    """The text format: this process's (or every worker's) metrics, then the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        process = generate_latest(registry)
    else:
        process = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector(db))
    return process + generate_latest(database)
