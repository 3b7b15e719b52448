"""Scheduled jobs: due logic, a lock against two runners, recorded failures, the 定时任务 page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

import builders
import tradein
from huanxin.claims.models import Quota
from huanxin.db import Database
from huanxin.ops.jobs import service
from huanxin.ops.jobs.models import JobRun
from huanxin.ops.jobs.registry import BY_NAME, JobError, JobSpec
from huanxin.ops.jobs.schedule import daily, every

NIGHT = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)  # 02:30 on 11 March in China


def test_daily_schedule_catches_up_a_missed_night_once() -> None:
    at_two = daily(2, 0)
    assert at_two.last_slot(NIGHT) == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    three_nights_ago = NIGHT - timedelta(days=3)
    assert at_two.due(three_nights_ago, NIGHT)  # missed nights: due now …
    assert not at_two.due(NIGHT - timedelta(minutes=10), NIGHT)  # … and once only
    assert at_two.due(None, NIGHT)
    assert every(60).last_slot(NIGHT) == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def _age_quotas(db: Database) -> None:
    with db.unit_of_work() as session:
        session.execute(update(Quota).values(expires_at=datetime.now(UTC) - timedelta(days=1)))


def test_quota_expiry_twice_expires_each_quota_once(database: Database) -> None:
    tradein.setup(database)
    consumer = builders.api_client(database, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q1"},
    )
    assert r.status_code == 201, r.text
    _age_quotas(database)
    first = service.run_job(database, BY_NAME["quota_expiry"])
    second = service.run_job(database, BY_NAME["quota_expiry"])
    assert first is not None and first.outcome == "ok" and '"expired": 1' in first.summary
    assert second is not None and second.outcome == "ok" and '"expired": 0' in second.summary
    with database.sessions() as session:
        assert session.scalars(select(Quota.state)).all() == ["expired"]


def test_a_held_lock_skips_the_second_runner_and_a_failure_is_recorded(database: Database) -> None:
    def broken(_db: Database) -> dict[str, object]:
        raise JobError("磁盘已满 13912345678")

    spec = JobSpec("quota_expiry", "资格券到期处理", every(60), broken)
    token = service.acquire(database, spec.name)
    assert token is not None
    assert service.run_job(database, spec) is None  # the other runner holds it
    service.release(database, spec.name, token)
    run = service.run_job(database, spec)
    assert run is not None and run.outcome == "failed"
    assert run.error == "磁盘已满 [mobile]"
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(JobRun)) == 1
    assert service.acquire(database, spec.name) is not None  # released after the failure


def test_run_due_runs_each_job_once_per_slot(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def record(name: str) -> JobSpec:
        return JobSpec(name, name, daily(2, 0), lambda _db: ran.append(name) or {"text": "好"})

    monkeypatch.setattr(service, "JOBS", [record("a"), record("b")])
    service.run_due(sqlite_db, NIGHT)
    assert ran == ["a", "b"]
    with sqlite_db.unit_of_work() as session:  # the runs happened "at 02:05"
        session.execute(update(JobRun).values(started_at=NIGHT - timedelta(minutes=25)))
    service.run_due(sqlite_db, NIGHT)
    assert ran == ["a", "b"]


def test_jobs_page_shows_last_run_and_failures(database: Database) -> None:
    builders.world(database, ("office", "140521"), ("merchant", "140521"))
    service.run_job(database, BY_NAME["session_cleanup"])
    service.run_job(database, BY_NAME["nightly_backup"])  # no backup folder set: fails
    page = builders.web_client(database, "office.140521").get("/ops/jobs")
    assert page.status_code == 200
    assert "过期会话清理" in page.text and "清理过期会话 0 个" in page.text
    assert "未配置备份目录" in page.text and "近7天失败：1 次" in page.text
    assert builders.web_client(database, "merchant.140521").get("/ops/jobs").status_code == 403


def test_an_unexpected_failure_shows_where_to_look_not_english(sqlite_db: Database) -> None:
    def broken(_db: Database) -> dict[str, object]:
        raise KeyError("internal detail")

    run = service.run_job(sqlite_db, JobSpec("x", "x", every(60), broken))
    assert run is not None and run.error == f"运行出错，详情见服务器日志（任务运行编号 {run.id}）"


def test_federation_publish_is_scheduled_and_idle_without_a_registry(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUANXIN_REGISTRY_URL", raising=False)
    job = BY_NAME["federation_publish"]
    assert job.label == "全国汇总数据上报"
    assert job.run(database)["text"] == "未接入全国补贴登记中心，无需上报"
