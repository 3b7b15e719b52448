"""The production start path of docs/operations.md, on PostgreSQL, without the demo: key
file, migrate, programmes, jurisdictions, the first administrator, the jobs, then the web
server with two workers behind its readiness check; the admin logs in, metrics add up."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from huanxin.claims.sales_world import free_port, wait_ready
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.ops.jobs.registry import JOBS

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("ops_production")]
HUANXIN = str(Path(sys.executable).with_name("huanxin"))
PASSWORD = "Admin@County2026"


@pytest.fixture
def fresh_pg(pg_url: str) -> Iterator[str]:
    name = f"huanxin_prod_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HUANXIN_SECRET_KEY"}
    env.update(
        HUANXIN_DATABASE_URL=url,
        HUANXIN_SECRET_KEY_FILE=str(tmp / "secret.key"),
        HUANXIN_COOKIE_SECURE="false",
        HUANXIN_MIGRATE_ON_START="false",
        HUANXIN_BACKUP_DIR=str(tmp / "backups"),
        HUANXIN_NEW_PASSWORD=PASSWORD,
        PROMETHEUS_MULTIPROC_DIR=str(tmp / "metrics"),
        HUANXIN_AUDIT_KEY_FILE=str(tmp / "audit.keys"),
        HUANXIN_PII_KEY_FILE=str(tmp / "pii.keys"),
        HUANXIN_AUDIT_ANCHOR_FILE=str(tmp / "anchors.jsonl"),
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([HUANXIN, *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (args, done.stdout, done.stderr[-2000:])
    return done.stdout


def test_empty_server_to_running_platform(fresh_pg: str, tmp_path: Path) -> None:
    env = _env(fresh_pg, tmp_path)
    _run(env, "keygen", "--path", str(tmp_path / "secret.key"))
    _run(env, "migrate")
    _run(env, "policy", "sync")
    _run(env, "jurisdiction", "add", "140000", "山西省", "--level", "province")
    _run(env, "jurisdiction", "add", "140500", "晋城市", "--level", "city", "--parent", "140000")
    _run(env, "jurisdiction", "add", "140521", "沁水县", "--level", "county", "--parent", "140500")
    created = _run(
        env,
        "user",
        "create",
        "admin",
        "--name",
        "系统管理员",
        "--role",
        "admin",
        "--jurisdiction",
        "140521",
    )
    assert "已创建用户 admin" in created
    assert "用户已存在" in _run(
        env, "user", "create", "admin", "--name", "x", "--role", "admin", "--jurisdiction", "140521"
    )
    jobs = _run(env, "jobs", "run", "--due")
    assert jobs.count("成功") == len(JOBS), jobs  # every job due on a new server succeeds
    assert (tmp_path / "anchors.jsonl").read_text().count("\n") == 1
    assert len(list((tmp_path / "backups").glob("huanxin-*.tar.gz"))) == 1

    port = free_port()
    server = subprocess.Popen(
        [HUANXIN, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server, path="/readyz", timeout=240)
        with httpx.Client(base_url=base, follow_redirects=False) as browser:
            r = browser.post(
                "/login", data={"username": "admin", "password": PASSWORD, "next": "/"}
            )
            assert r.status_code == 303, r.text
            page = browser.get("/ops/jobs")
            assert page.status_code == 200 and "数据备份与恢复验证" in page.text
            for _ in range(6):
                assert browser.get("/healthz").status_code == 200
        metrics = httpx.get(base + "/metrics").text
        healthz = [
            line
            for line in metrics.splitlines()
            if line.startswith('huanxin_http_requests_total{method="GET",route="/healthz"')
        ]
        assert healthz and float(healthz[0].split()[-1]) == 6.0  # whichever worker answered
        assert 'huanxin_job_runs_total{job="nightly_backup",outcome="ok"} 1.0' in metrics
        assert "huanxin_integrity_scan_seconds " in metrics
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    lines = [line for line in err.decode().splitlines() if '"http.request"' in line]
    assert lines and all('"request_id"' in line for line in lines)
    db = Database(fresh_pg)
    try:
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 1  # no demo data
    finally:
        db.dispose()
