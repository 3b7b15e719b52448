"""The 定时任务 page's run record (/ops/jobs) as the page kit pages, sorts, filters, searches
and exports it: every run of every job, opening on the failed ones, newest first (the page
showed the last 20 failures and nothing else of the history)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import ColumnElement, or_

from huanxin.core.clock import local_text
from huanxin.ops.jobs.models import JobRun
from huanxin.web.kit.lists import Column, Filter, ListSpec

OUTCOMES = {"ok": "成功", "failed": "失败", "running": "运行中"}
TRIGGERS = {"schedule": "按计划", "manual": "手动"}
OPENING = "failed"


def summary_text(raw: str) -> str:
    """The Chinese sentence a job stored with its figures."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return ""
    return str(value.get("text", "")) if isinstance(value, dict) else ""


def said(run: JobRun) -> str:
    """What the run reported: its error when it failed, its summary otherwise."""
    return run.error if run.outcome == "failed" else summary_text(run.summary)


def _matching(text: str) -> ColumnElement[bool]:
    part = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(JobRun.error.ilike(part), JobRun.summary.ilike(part))


def _seconds(run: JobRun) -> float | str:
    return round(run.seconds, 1) if run.seconds is not None else ""


def spec(labels: Mapping[str, str]) -> ListSpec:
    """The list; ``labels``: each job's Chinese name by its code."""
    return ListSpec(
        title="定时任务运行记录",
        columns=(
            Column("job", "任务", JobRun.job, lambda r: labels.get(r.job, "未知任务")),
            Column("trigger", "触发", JobRun.trigger, lambda r: TRIGGERS.get(r.trigger, "")),
            Column("started", "开始时间", JobRun.started_at, lambda r: local_text(r.started_at)),
            Column("seconds", "用时（秒）", JobRun.seconds, _seconds),
            Column("outcome", "结果", JobRun.outcome, lambda r: OUTCOMES.get(r.outcome, "")),
            Column("said", "说明", None, said),
        ),
        default_sort="-started",
        tiebreak=JobRun.id,
        search=_matching,
        search_hint="错误或结果说明",
        filters=(
            Filter("outcome", "结果", OUTCOMES, lambda v: JobRun.outcome == v),
            Filter("job", "任务", labels, lambda v: JobRun.job == v),
            Filter("trigger", "触发", TRIGGERS, lambda v: JobRun.trigger == v),
        ),
    )
