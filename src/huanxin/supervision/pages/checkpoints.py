"""Pages of dated checkpoints (时间节点): the list of a plan's (or all) checkpoints, and the
forms that confirm one done, reopen it, or attach it to a task. The task page shows its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.bounds import Code, Id, Line, Text
from huanxin.core.clock import today_cn
from huanxin.core.errors import PermissionDenied
from huanxin.supervision.pages.kit import Reader
from huanxin.supervision.service import checkpoints, ledger
from huanxin.web.deps import DbSession
from huanxin.web.kit import forms as kit
from huanxin.web.templating import render

router = APIRouter(include_in_schema=False)


def _context(session: Session, actor: Actor, plan_id: int | None) -> dict[str, Any]:
    rows = checkpoints.list_for(session, actor, plan_id=plan_id)
    tasks = {t.id: t for t in ledger.tasks_query(session, actor, plan_id=plan_id)}
    by_plan: dict[int, list[Any]] = {}
    for task in tasks.values():
        by_plan.setdefault(task.plan_id, []).append(task)
    return {
        "rows": rows,
        "tasks": tasks,
        "by_plan": by_plan,
        "plan_id": plan_id,
        "today": today_cn(),
        "state_of": checkpoints.state_of,
        "labels": checkpoints.STATE_LABELS,
    }


@router.get("/supervision/checkpoints")
def checkpoints_page(
    request: Request, session: DbSession, actor: Reader, plan_id: Id | None = None
) -> HTMLResponse:
    return render(
        request, "supervision/checkpoints.html", error=None, **_context(session, actor, plan_id)
    )


@router.post("/supervision/checkpoints/{checkpoint_id}")
def checkpoint_post(
    checkpoint_id: Id,
    request: Request,
    session: DbSession,
    actor: Reader,
    action: Annotated[Code, Form()] = "done",
    note: Annotated[Text, Form()] = "",
    task_id: Annotated[Code, Form()] = "",
    back: Annotated[Line, Form()] = "",
) -> Response:
    def change() -> str:
        if action == "done":
            checkpoints.mark_done(session, actor, checkpoint_id, note=note)
        elif not actor.can("supervision:write"):
            raise PermissionDenied("只有专班办公室可以退回或关联时间节点", field="checkpoint_id")
        elif action == "reopen":
            checkpoints.reopen(session, actor, checkpoint_id, note=note)
        else:
            target = int(task_id) if task_id.isdigit() else None
            checkpoints.assign(session, actor, checkpoint_id, task_id=target)
        return back if back.startswith("/supervision/") else "/supervision/checkpoints"

    def page(error: kit.PageError) -> HTMLResponse:
        context = _context(session, actor, None)
        return render(request, "supervision/checkpoints.html", error=error, **context)

    return kit.submit(request, session, change, page)
