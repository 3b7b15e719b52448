"""The scheduled jobs: what each does, its Chinese name and its schedule.

Each job is safe to run twice and to miss a night: it works from the database's state as of
now (quotas past their date, tasks past their deadline, claims not yet scanned), never from
"what happened since the last run", and its writes are conditional updates.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from huanxin.core import audit
from huanxin.core.clock import utcnow
from huanxin.db import Database
from huanxin.ops.jobs.schedule import Schedule, daily, every

Summary = dict[str, Any]  # "text": a Chinese sentence for the page, plus figures


class JobError(RuntimeError):
    """A failure the office can read: its message is Chinese and shown on 定时任务."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    label: str
    schedule: Schedule
    run: Callable[[Database], Summary]


def expire_quotas(db: Database) -> Summary:
    """Issued quotas past their date become ``expired`` (a locked one waits for its claim)."""
    from huanxin.claims.service import quotas

    with db.unit_of_work() as session:
        count = quotas.expire_due(session, utcnow())
    return {"text": f"到期资格券 {count} 张", "expired": count}


def supervision_reminders(db: Database) -> Summary:
    """Deadlines near or past and missing reports of every root jurisdiction's task ledger."""
    from huanxin.core.models import Jurisdiction
    from huanxin.supervision.api import system_actor
    from huanxin.supervision.service import ledger

    counts: dict[str, int] = {}
    with db.sessions() as session:
        roots = session.scalars(select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None)))
        for code in list(roots):
            for reminder in ledger.reminders(session, system_actor(session, code)):
                counts[reminder.kind] = counts.get(reminder.kind, 0) + 1
    parts = [f"{ledger.REMINDER_LABELS.get(k, k)} {n}" for k, n in sorted(counts.items())]
    return {"text": "，".join(parts) or "无提醒", **counts}


def claim_clock_alerts(db: Database) -> Summary:
    """Statutory clocks: steps overdue and due within two working days, per province (or
    other root jurisdiction); the office and finance see them on the home page and 办理时限."""
    from huanxin.claims.service import overdue
    from huanxin.core.clock import today_cn
    from huanxin.core.models import Jurisdiction
    from huanxin.supervision.api import system_actor

    totals = {"overdue": 0, "due_soon": 0}
    with db.unit_of_work() as session:
        roots = session.scalars(select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None)))
        for code in list(roots):
            counts = overdue.alert_counts(session, system_actor(session, code), today_cn())
            for key, value in counts.items():
                totals[key] += value
            if any(counts.values()):
                audit.record(
                    session,
                    audit.SYSTEM,
                    "claim.clock_alert",
                    object_type="job",
                    object_id="claim_clock_alerts",
                    detail=counts,
                    jurisdiction_code=code,
                )
    text = f"逾期未办 {totals['overdue']} 项，两个工作日内到期 {totals['due_soon']} 项"
    return {"text": text, **totals}


def budget_pacing(db: Database) -> Summary:
    """Release the tranches of every pool whose day has come (each once, journalled)."""
    from huanxin.core.clock import today_cn
    from huanxin.ledger.api import pacing

    with db.unit_of_work() as session:
        result = pacing.run(session, today=today_cn())
    return {"text": result.text(), **result.figures()}


def quota_release_rounds(db: Database) -> Summary:
    """Open today's round of every timed quota release whose time has come (its offer and,
    for a lottery, the seed's hash are published at the release time, not at the first
    request); a round already open is left alone."""
    from huanxin.claims.service import releases

    with db.unit_of_work() as session:
        opened = releases.open_due(session, utcnow())
    offered = sum(r.offered for r in opened)
    return {"text": f"开放放券场次 {len(opened)} 场，共 {offered} 张", "opened": len(opened)}


def lottery_draws(db: Database) -> Summary:
    """Draw every lottery round whose entries have closed (each once, audited); a round
    where sales are paused waits for the run after they resume."""
    from huanxin.claims.service import lottery

    with db.unit_of_work() as session:
        run = lottery.draw_due(session, utcnow())
    text = f"开奖 {run.drawn} 场，中签 {run.winners} 人；因暂停办理待开奖 {run.waiting} 场"
    return {"text": text, "drawn": run.drawn, "winners": run.winners, "waiting": run.waiting}


def integrity_scan(db: Database) -> Summary:
    """The nightly scan: daily over the claims created or changed since the last one, with
    the index in ``HUANXIN_INTEGRITY_STATE`` (var/integrity-state); a full scan that stores
    the index when there is none yet."""
    from huanxin.integrity.api import last_folded, scan_database

    folder = Path(os.environ.get("HUANXIN_INTEGRITY_STATE", "var/integrity-state"))
    daily = last_folded(folder) is not None
    result = scan_database(db.url, folder, daily=daily)
    return {"text": f"判定申领 {result['claims']} 笔，暂停支付 {result['held']} 笔", **result}


def clean_sessions(db: Database) -> Summary:
    """Drop browser sessions ended or expired a day ago, and login attempts over 30 days old."""
    from huanxin.core.models import LoginAttempt, WebSession

    now = utcnow()
    with db.unit_of_work() as session:
        gone = session.execute(
            delete(WebSession).where(WebSession.expires_at < now - timedelta(days=1))
        )
        old = session.execute(
            delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=30))
        )
    sessions, attempts = gone.rowcount, old.rowcount  # type: ignore[attr-defined]
    return {
        "text": f"清理过期会话 {sessions} 个、登录记录 {attempts} 条",
        "sessions": sessions,
        "attempts": attempts,
    }


def nightly_backup(db: Database) -> Summary:
    """Write an archive into ``HUANXIN_BACKUP_DIR``, prove it restores, keep the newest N."""
    from huanxin.ops.backup import backup_to_dir

    folder = os.environ.get("HUANXIN_BACKUP_DIR", "")
    if not folder:
        raise JobError("未配置备份目录，请系统管理员按运维手册第2节配置")
    keep = int(os.environ.get("HUANXIN_BACKUP_KEEP", "14"))
    archive, removed = backup_to_dir(db.url, Path(folder), keep=keep)
    return {"text": f"已备份并验证 {archive.name}，删除旧备份 {removed} 个", "file": archive.name}


def audit_anchor(db: Database) -> Summary:
    """Verify the audit trail, sign its chain heads and append the checkpoint (docs/security.md)."""
    from huanxin.core import anchors

    with db.sessions() as session:
        checkpoint = anchors.anchor(session)
    return {"text": f"审计链已校验并签署检查点（{len(checkpoint.get('heads', []))} 条链）"}


def federation_publish(db: Database) -> Summary:
    """Publish this deployment's aggregates to the national roll-up (issue 19), if a national
    registry is configured; publishing the same day twice replaces that day's figures."""
    from huanxin.core.clock import today_cn
    from huanxin.federation.api import federation_of, from_env, rollup

    settings = from_env()
    if settings is None:
        return {"text": "未接入全国补贴登记中心，无需上报"}
    with db.sessions() as session:
        figures = rollup.publish(session, federation_of(settings), today_cn())
    return {"text": "已向全国补贴登记中心上报汇总数据", **figures}


JOBS: list[JobSpec] = [
    JobSpec("quota_expiry", "资格券到期处理", every(60), expire_quotas),
    JobSpec("budget_pacing", "预算资金按期下达与暂停恢复", every(15), budget_pacing),
    JobSpec("quota_release_rounds", "定时放券开放场次", every(5), quota_release_rounds),
    JobSpec("lottery_draws", "摇号到时开奖", every(5), lottery_draws),
    JobSpec("audit_anchor", "审计链校验与签署", every(60), audit_anchor),
    JobSpec("nightly_backup", "数据备份与恢复验证", daily(1, 0), nightly_backup),
    JobSpec("integrity_scan", "骗补风险夜间扫描", daily(2, 0), integrity_scan),
    JobSpec("session_cleanup", "过期会话清理", daily(3, 30), clean_sessions),
    JobSpec("supervision_reminders", "台账提醒与时限预警", daily(7, 0), supervision_reminders),
    JobSpec("claim_clock_alerts", "办理时限预警", daily(7, 30), claim_clock_alerts),
    JobSpec("federation_publish", "全国汇总数据上报", daily(6, 0), federation_publish),
]
BY_NAME = {job.name: job for job in JOBS}
