"""Kinds and lifecycles of the working mechanism: each persisted state is an enum with its
Chinese label and, where it changes, the transitions allowed.

Meeting: scheduled → held | cancelled. Visit: planned → done | cancelled.
Escalation: proposed (by a department) → submitted (by the office) | declined;
submitted → answered; answered → closed; the office may also enter one as submitted.
Task closing: open → requested (with evidence) → closed, or back to open when returned.
Plan: review → confirmed.

Each lifecycle is a ``core.lifecycle.Lifecycle``; a move its table does not allow raises the
domain's ``IllegalTransition`` (or ``IllegalClosing`` for tasks): a 409 with its code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from huanxin.core.errors import NotAChoice
from huanxin.core.lifecycle import Lifecycle
from huanxin.supervision.errors import IllegalClosing, IllegalTransition, PlanAlreadyConfirmed

E = TypeVar("E", bound=StrEnum)


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


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


MEETINGS = Lifecycle(
    "会议",
    {
        MeetingState.SCHEDULED: "待召开",
        MeetingState.HELD: "已召开",
        MeetingState.CANCELLED: "已取消",
    },
    {
        MeetingState.SCHEDULED: frozenset({MeetingState.HELD, MeetingState.CANCELLED}),
        MeetingState.HELD: frozenset(),
        MeetingState.CANCELLED: frozenset(),
    },
    IllegalTransition,
)


class DecisionKind(StrEnum):
    NEW_TASK = "new_task"
    CLOSE_TASK = "close_task"
    NOTE = "note"


class VisitState(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


VISITS = Lifecycle(
    "督导调研",
    {VisitState.PLANNED: "计划中", VisitState.DONE: "已开展", VisitState.CANCELLED: "已取消"},
    {
        VisitState.PLANNED: frozenset({VisitState.DONE, VisitState.CANCELLED}),
        VisitState.DONE: frozenset(),
        VisitState.CANCELLED: frozenset(),
    },
    IllegalTransition,
)


class EscalationLevel(StrEnum):
    PROVINCE = "province"
    NATION = "nation"


class EscalationState(StrEnum):
    PROPOSED = "proposed"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    ANSWERED = "answered"
    CLOSED = "closed"


ESCALATIONS = Lifecycle(
    "上报事项",
    {
        EscalationState.PROPOSED: "部门提出待审核",
        EscalationState.SUBMITTED: "已报送待答复",
        EscalationState.DECLINED: "未予报送",
        EscalationState.ANSWERED: "已答复",
        EscalationState.CLOSED: "已办结",
    },
    {
        EscalationState.PROPOSED: frozenset({EscalationState.SUBMITTED, EscalationState.DECLINED}),
        EscalationState.SUBMITTED: frozenset({EscalationState.ANSWERED}),
        EscalationState.DECLINED: frozenset(),
        EscalationState.ANSWERED: frozenset({EscalationState.CLOSED}),
        EscalationState.CLOSED: frozenset(),
    },
    IllegalTransition,
)
OPEN_ESCALATIONS = frozenset(s.value for s, moves in ESCALATIONS.moves.items() if moves)


class PlanStatus(StrEnum):
    """A plan imported from a file waits for the office's review, then its tasks are created."""

    REVIEW = "review"
    CONFIRMED = "confirmed"


PLANS = Lifecycle(
    "方案",
    {PlanStatus.REVIEW: "待确认匹配", PlanStatus.CONFIRMED: "已生成台账"},
    {PlanStatus.REVIEW: frozenset({PlanStatus.CONFIRMED}), PlanStatus.CONFIRMED: frozenset()},
    PlanAlreadyConfirmed,
)


class TaskClosing(StrEnum):
    """Closing a task (对账销号): the lead unit asks with evidence, the office decides."""

    OPEN = "open"
    REQUESTED = "requested"
    CLOSED = "closed"


TASK_CLOSING = Lifecycle(
    "任务销号",
    {TaskClosing.OPEN: "未申请", TaskClosing.REQUESTED: "待审核", TaskClosing.CLOSED: "已销号"},
    {
        TaskClosing.OPEN: frozenset({TaskClosing.REQUESTED}),
        TaskClosing.REQUESTED: frozenset({TaskClosing.CLOSED, TaskClosing.OPEN}),
        TaskClosing.CLOSED: frozenset(),
    },
    IllegalClosing,
)


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
