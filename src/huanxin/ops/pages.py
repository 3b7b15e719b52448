"""The 定时任务 page: each job's schedule, last run and result, and the record of every run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code
from huanxin.core.clock import today_cn
from huanxin.ops import job_list
from huanxin.ops.jobs import service
from huanxin.ops.jobs.models import JobRun
from huanxin.ops.jobs.registry import BY_NAME
from huanxin.web.deps import DbSession, page_require
from huanxin.web.kit.lists import ListQuery, export, list_query, page_of
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Actor, Depends(page_require("ops:read"))]
Query = Annotated[ListQuery, Depends(list_query)]


def _filters(outcome: Code | None = None, job: Code = "", trigger: Code = "") -> dict[str, str]:
    """The run record's filters from the address; it opens on the failed runs."""
    chosen = job_list.OPENING if outcome is None else outcome
    return {"outcome": chosen, "job": job, "trigger": trigger}


Filters = Annotated[dict[str, str], Depends(_filters)]


def _labels() -> dict[str, str]:
    return {name: spec.label for name, spec in BY_NAME.items()}


@router.get("/ops/jobs")
def jobs_page(
    request: Request, session: DbSession, actor: Reader, query: Query, filters: Filters
) -> HTMLResponse:
    """Each job's schedule and last run, and every run a page at a time (failures first)."""
    labels = _labels()
    spec = job_list.spec(labels)
    page = page_of(session, spec, select(JobRun), query, path="/ops/jobs", filters=filters)
    return render(
        request,
        "ops/jobs.html",
        views=service.last_runs(session),
        page=page,
        outcomes=job_list.OUTCOMES,
        triggers=job_list.TRIGGERS,
        labels=labels,
        summary_text=job_list.summary_text,
        said=job_list.said,
    )


@router.get("/ops/jobs.xlsx")
def jobs_export(session: DbSession, actor: Reader, query: Query, filters: Filters) -> Response:
    """The runs the list shows under the same filters and search, as .xlsx."""
    spec = job_list.spec(_labels())
    return export(session, spec, select(JobRun), query, filters=filters, on=today_cn())
