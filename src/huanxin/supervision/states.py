"""Lifecycles of supervision: each persisted state is an enum with its Chinese label and the
transitions allowed (``core.lifecycle.Lifecycle``); a move the table does not allow raises the
domain's ``IllegalTransition`` (``IllegalClosing`` for tasks, ``PlanAlreadyConfirmed`` for
plans): a 409 with its code. The kinds (fixed vocabularies) are in ``vocab.py``.

Meeting: scheduled → held | cancelled. Visit: planned → done | cancelled.
Escalation: proposed (by a department) → submitted (by the office) | declined;
submitted → answered; answered → closed; the office may also enter one as submitted.
Task closing: open → requested (with evidence) → closed, or back to open when returned.
Plan: review → confirmed.
"""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.lifecycle import Lifecycle
from huanxin.supervision.errors import IllegalClosing, IllegalTransition, PlanAlreadyConfirmed


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
