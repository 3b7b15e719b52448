"""The two lists of work waiting to be done, computed from the ledger and the working
mechanism rather than read by one statement: the reminders (/supervision/reminders) and a
unit's inbox (/supervision/inbox). Both show only what is waiting, the nearest date first
(overdue at the top), a page at a time, filtered by kind, searched by task or title, and
exported as filtered (they showed every row on one page before)."""

from __future__ import annotations

from datetime import date

from huanxin.supervision.pages.row_list import RowList, row_filter
from huanxin.supervision.service.inbox import KIND_LABELS
from huanxin.supervision.service.ledger import REMINDER_LABELS, Reminder
from huanxin.web.kit.lists import Column, ListSpec

FAR = date.max  # a row without a date sorts after every dated one
DAYS = {d: f"{d}天内" for d in ("7", "15", "30", "60", "90")} | {"366": "一年内"}
OPENING_DAYS = "30"  # the reminders look this far ahead unless another window is chosen


def _order(labels: dict[str, str], kind: str) -> int:
    return list(labels).index(kind) if kind in labels else len(labels)


def days_of(chosen: dict[str, str]) -> int:
    """How many days ahead the reminders look (a window of ``DAYS``)."""
    return int(chosen.get("days", OPENING_DAYS))


def _task(row: Reminder) -> str:
    return f"{row.ref} {row.title}"


REMINDERS = RowList(
    spec=ListSpec(
        title="提醒",
        columns=(
            Column(
                "kind",
                "类型",
                lambda r: _order(REMINDER_LABELS, r.kind),
                lambda r: REMINDER_LABELS.get(r.kind, ""),
            ),
            Column("task", "任务", lambda r: (r.ref, r.title), _task),
            Column("message", "说明", None, lambda r: r.message),
            Column("due", "日期", lambda r: r.due or FAR, lambda r: str(r.due or "")),
        ),
        default_sort="due",
        tiebreak=lambda r: (r.task_id or 0, r.kind, r.message),
        search_hint="任务序号、名称或说明",
        filters=(
            row_filter("kind", "类型", REMINDER_LABELS),
            row_filter("days", "提前天数", DAYS),
        ),
    ),
    keep={"kind": lambda r, v: r.kind == v, "days": lambda r, v: True},
    found=lambda r, q: q in _task(r) or q in r.message,
)

INBOX = RowList(
    spec=ListSpec(
        title="待办",
        columns=(
            Column(
                "kind",
                "类型",
                lambda i: _order(KIND_LABELS, i.kind),
                lambda i: KIND_LABELS.get(i.kind, ""),
            ),
            Column("title", "事项", lambda i: i.title, lambda i: i.title),
            Column("detail", "说明", None, lambda i: i.detail),
            Column("due", "期限", lambda i: i.due or FAR, lambda i: str(i.due or "")),
        ),
        default_sort="due",
        tiebreak=lambda i: (i.kind, i.title, i.href),
        search_hint="事项或说明",
        filters=(row_filter("kind", "类型", KIND_LABELS),),
    ),
    keep={"kind": lambda i, v: i.kind == v},
    found=lambda i, q: q in i.title or q in i.detail,
)
