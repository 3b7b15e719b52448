"""Fixed vocabularies of supervision with their Chinese labels: the task ledger's (computed
statuses, reporting schedules), with reporting periods and the rule that computes a task's
status (pure functions); and the working mechanism's kinds (bodies, seats, meetings,
decisions, escalation levels, reports, public content) with ``label``, ``choices`` and
``parse``. The lifecycles (persisted states and their transitions) are in ``states.py``.

Periods: a monthly task reports once per calendar month (``2026-11``), a quarterly task once
per quarter (``2026-Q4``). The report for a period is due by the period's last day.

Status rule, first that applies:
1. ``done`` (已完成): the office approved closing the task.
2. ``overdue`` (已逾期): the deadline has passed.
3. ``at_risk`` (有风险): a dated checkpoint of the task (a plan milestone) has passed without
   being confirmed done.
4. ``not_started`` (未启动): no progress report yet.
5. ``at_risk`` (有风险): the previous period (ended before today) has no report although the
   task already existed then, or the latest reported completion is more than
   ``RISK_MARGIN`` points below the time elapsed between the task's creation and its deadline.
6. ``on_track`` (正常推进): otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from huanxin.core.errors import NotAChoice
from huanxin.supervision.states import ESCALATIONS, MEETINGS, VISITS

STATUS_LABELS = {
    "not_started": "未启动",
    "on_track": "正常推进",
    "at_risk": "有风险",
    "overdue": "已逾期",
    "done": "已完成",
}
SCHEDULE_LABELS = {"monthly": "每月", "quarterly": "每季度"}
RISK_MARGIN = 20
E = TypeVar("E", bound=StrEnum)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_of(day: date, schedule: str) -> str:
    if schedule == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_bounds(period: str) -> tuple[date, date] | None:
    """First and last day of a period, or None when the text is not a period."""
    if m := _MONTH.match(period):
        year, month = int(m.group(1)), int(m.group(2))
        start = date(year, month, 1)
        return start, _month_end(year, month)
    if m := _QUARTER.match(period):
        year, quarter = int(m.group(1)), int(m.group(2))
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    return None


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def previous_period(day: date, schedule: str) -> str:
    bounds = period_bounds(period_of(day, schedule))
    assert bounds is not None
    return period_of(bounds[0] - timedelta(days=1), schedule)


def period_matches(period: str, schedule: str) -> bool:
    pattern = _QUARTER if schedule == "quarterly" else _MONTH
    return pattern.match(period) is not None


@dataclass(frozen=True)
class TaskFacts:
    """What the status rule needs to know about a task."""

    closed: bool
    deadline: date | None
    created: date
    schedule: str
    latest_percent: int | None
    reported_periods: frozenset[str]
    open_checkpoints: tuple[date, ...] = ()  # due dates of checkpoints not yet confirmed done


def expected_percent(facts: TaskFacts, today: date) -> int | None:
    if facts.deadline is None or facts.deadline <= facts.created:
        return None
    total = (facts.deadline - facts.created).days
    elapsed = max(0, (today - facts.created).days)
    return min(100, round(100 * elapsed / total))


def missing_previous(facts: TaskFacts, today: date) -> str | None:
    """The previous period when it has no report and the task existed before it ended."""
    previous = previous_period(today, facts.schedule)
    bounds = period_bounds(previous)
    assert bounds is not None
    if facts.created <= bounds[1] and previous not in facts.reported_periods:
        return previous
    return None


def status(facts: TaskFacts, today: date) -> str:
    if facts.closed:
        return "done"
    if facts.deadline is not None and facts.deadline < today:
        return "overdue"
    if any(due < today for due in facts.open_checkpoints):
        return "at_risk"
    if facts.latest_percent is None:
        return "not_started"
    if missing_previous(facts, today) is not None:
        return "at_risk"
    expected = expected_percent(facts, today)
    if expected is not None and facts.latest_percent < expected - RISK_MARGIN:
        return "at_risk"
    return "on_track"


# --- the working mechanism's kinds ------------------------------------------------------


class BodyKind(StrEnum):
    JOINT_MEETING = "joint_meeting"
    WORKING_GROUP = "working_group"


class SeatRole(StrEnum):
    CONVENER = "convener"
    DEPUTY = "deputy"
    MEMBER = "member"
    LEAD = "lead"
    LIAISON = "liaison"


class MeetingKind(StrEnum):
    PLENARY = "plenary"
    TOPIC = "topic"
    DISPATCH = "dispatch"


class DecisionKind(StrEnum):
    NEW_TASK = "new_task"
    CLOSE_TASK = "close_task"
    NOTE = "note"


class EscalationLevel(StrEnum):
    PROVINCE = "province"
    NATION = "nation"


class ReportKind(StrEnum):
    DAILY = "daily"
    TEN_DAY = "ten_day"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    SPECIAL = "special"


class PublicKind(StrEnum):
    QA = "qa"
    CASE = "case"
    NOTICE = "notice"


LABELS: dict[str, str] = {
    BodyKind.JOINT_MEETING: "联席会议",
    BodyKind.WORKING_GROUP: "工作小组",
    SeatRole.CONVENER: "召集人",
    SeatRole.DEPUTY: "副召集人",
    SeatRole.MEMBER: "成员",
    SeatRole.LEAD: "组长单位",
    SeatRole.LIAISON: "联络员",
    MeetingKind.PLENARY: "全体会议",
    MeetingKind.TOPIC: "专题会议",
    MeetingKind.DISPATCH: "调度会",
    DecisionKind.NEW_TASK: "交办任务",
    DecisionKind.CLOSE_TASK: "任务销号",
    DecisionKind.NOTE: "会议意见",
    EscalationLevel.PROVINCE: "省级",
    EscalationLevel.NATION: "国家",
    ReportKind.DAILY: "日报",
    ReportKind.TEN_DAY: "旬报",
    ReportKind.WEEKLY: "周报",
    ReportKind.MONTHLY: "月报",
    ReportKind.SPECIAL: "专报",
    PublicKind.QA: "问答",
    PublicKind.CASE: "典型案例",
    PublicKind.NOTICE: "通知公告",
}
# The states' labels come from their lifecycles; meetings and visits share "cancelled".
for _cycle in (MEETINGS, VISITS, ESCALATIONS):
    LABELS.update({state.value: text for state, text in _cycle.labels.items()})


def label(code: str) -> str:
    return LABELS.get(code, code)


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(code, label) pairs for a select box."""
    return [(m.value, label(m.value)) for m in enum]


def parse(enum: type[E], value: str, *, field: str, what: str) -> E:
    """The member of ``enum`` for ``value``, or a refusal naming the field."""
    try:
        return enum(value)
    except ValueError:
        allowed = "、".join(label(m.value) for m in enum)
        raise NotAChoice(f"{what}只能是：{allowed}", field=field) from None
