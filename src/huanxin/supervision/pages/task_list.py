"""The task ledger list on the page kit. A task's status is computed from its reports and
deadline (``service.ledger``), not stored, so the list filters, searches, sorts and pages the
computed rows in memory (a county's ledger is hundreds of tasks, not millions) and hands the
kit a ``Page`` to draw; the export writes every filtered row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from huanxin.supervision.models import Task
from huanxin.supervision.service.ledger import TaskRow
from huanxin.supervision.vocab import STATUS_LABELS
from huanxin.web.kit.lists import PAGE_SIZE, Column, Filter, ListQuery, ListSpec, Page

OPEN = "open"  # every task not yet done: where the list opens
VIEW_LABELS = {OPEN: "未完成"}
FAR = date.max


def _percent(row: TaskRow) -> str:
    return f"{row.latest_percent}%" if row.latest_percent is not None else ""


SPEC = ListSpec(
    title="任务台账",
    columns=(
        Column("ref", "序号", Task.ref, lambda r: r.task.ref),
        Column("title", "任务", Task.title, lambda r: r.task.title),
        Column("lead", "牵头单位", None, lambda r: "、".join(r.lead)),
        Column("support", "配合单位", None, lambda r: "、".join(r.support)),
        Column("deadline", "完成时限", Task.deadline, lambda r: str(r.task.deadline or "")),
        Column("progress", "进度", Task.id, _percent),
        Column("status", "状态", Task.id, lambda r: r.status_label),
    ),
    default_sort="deadline",
    tiebreak=Task.id,
    search_hint="任务名称、序号或单位",
    search=Task.title.contains,  # the list matches in memory (``_found``)
    filters=(Filter("status", "状态", {**VIEW_LABELS, **STATUS_LABELS}, lambda v: Task.id > 0),),
)
SORT_KEYS: dict[str, Callable[[TaskRow], tuple[Any, ...]]] = {
    "ref": lambda r: (r.task.ref,),
    "title": lambda r: (r.task.title,),
    "deadline": lambda r: (r.task.deadline or FAR,),
    "progress": lambda r: (r.latest_percent if r.latest_percent is not None else -1,),
    "status": lambda r: (list(STATUS_LABELS).index(r.status),),
}


def _found(row: TaskRow, text: str) -> bool:
    names = [row.task.title, row.task.ref, *row.lead, *row.support]
    return any(text in name for name in names)


def filtered(rows: list[TaskRow], query: ListQuery, chosen: Mapping[str, str]) -> list[TaskRow]:
    """The rows under the status filter and the search, in the chosen order."""
    status = chosen.get("status", "")
    if status == OPEN:
        rows = [r for r in rows if r.status != "done"]
    elif status in STATUS_LABELS:
        rows = [r for r in rows if r.status == status]
    if query.q:
        rows = [r for r in rows if _found(r, query.q)]
    sort = query.sort if query.sort.removeprefix("-") in SORT_KEYS else SPEC.default_sort
    key = SORT_KEYS[sort.removeprefix("-")]
    return sorted(rows, key=lambda r: (*key(r), r.task.id), reverse=sort.startswith("-"))


def page(rows: list[TaskRow], query: ListQuery, chosen: Mapping[str, str], path: str) -> Page:
    found = filtered(rows, query, chosen)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(query.page, pages)
    shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    sort = query.sort if query.sort.removeprefix("-") in SORT_KEYS else SPEC.default_sort
    return Page(SPEC, path, shown, len(found), number, PAGE_SIZE, sort, query.q, dict(chosen))
