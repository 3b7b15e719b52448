"""The 定时任务 page: each job's schedule, last run, result and recent failures."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from huanxin.core.actor import Actor
from huanxin.ops.jobs import service
from huanxin.ops.jobs.registry import BY_NAME
from huanxin.web.deps import DbSession, page_require
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("ops:read"))]
OUTCOMES = {"ok": "成功", "failed": "失败", "running": "运行中"}
TRIGGERS = {"schedule": "按计划", "manual": "手动"}


def summary_text(raw: str) -> str:
    """The Chinese sentence a job stored with its figures."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return ""
    return str(value.get("text", "")) if isinstance(value, dict) else ""


@router.get("/ops/jobs")
def jobs_page(request: Request, session: DbSession, actor: Reader) -> HTMLResponse:
    labels = {name: spec.label for name, spec in BY_NAME.items()}
    return render(
        request,
        "ops/jobs.html",
        views=service.last_runs(session),
        failures=service.recent_failures(session),
        outcomes=OUTCOMES,
        triggers=TRIGGERS,
        labels=labels,
        summary_text=summary_text,
    )
