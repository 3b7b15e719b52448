"""Failures of the supervision domain, named as facts, with Chinese messages naming the field.

Plan-import failures (no text layer, not a plan, unsupported format) live in
``planparse.errors`` and are re-exported here.
"""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from huanxin.supervision.planparse.errors import (
    NotAPlan,
    NoTextLayer,
    PlanImportError,
    UnreadableFile,
    UnsupportedFormat,
)


class SupervisionCode(StrEnum):
    """Stable codes of the supervision domain's failures (``SupervisionErrorCode`` in OpenAPI)."""

    PLAN_ALREADY_CONFIRMED = "plan_already_confirmed"
    PLAN_ALREADY_IMPORTED = "plan_already_imported"
    UNITS_UNRESOLVED = "units_unresolved"
    NOT_YOUR_TASK = "not_your_task"
    ATTACHMENT_REJECTED = "attachment_rejected"
    ILLEGAL_CLOSING = "illegal_closing"
    ILLEGAL_TRANSITION = "illegal_transition"
    DECISION_WITHOUT_UNIT = "decision_without_unit"
    DECISION_WITHOUT_DEADLINE = "decision_without_deadline"
    FINDING_WITHOUT_DEADLINE = "finding_without_deadline"
    UNKNOWN_FIGURE = "unknown_figure"
    NOT_A_MEMBER = "not_a_member"
    SEAT_NOT_CURRENT = "seat_not_current"
    PDF_UNAVAILABLE = "pdf_unavailable"
    INDICATOR_HAS_NO_SOURCE = "indicator_has_no_source"
    GROUP_NEEDS_MEETING = "group_needs_meeting"
    PERIOD_NOT_STARTED = "period_not_started"


__all__ = [
    "AttachmentRejected",
    "IllegalClosing",
    "NoTextLayer",
    "NotAPlan",
    "NotYourTask",
    "PdfUnavailable",
    "PlanAlreadyConfirmed",
    "PlanAlreadyImported",
    "PlanImportError",
    "UnitsUnresolved",
    "UnreadableFile",
    "UnsupportedFormat",
]


class PlanAlreadyConfirmed(Conflict):
    code = SupervisionCode.PLAN_ALREADY_CONFIRMED

    def __init__(
        self,
        message: str = "该实施方案的单位匹配已确认，台账已生成，不能再修改",
        *,
        field: str = "plan_id",
    ) -> None:
        super().__init__(message, field=field)


class PlanAlreadyImported(Conflict):
    """The same file (by content hash) was already imported for this jurisdiction."""

    code = SupervisionCode.PLAN_ALREADY_IMPORTED

    def __init__(self, plan_id: int, title: str, imported_on: str) -> None:
        super().__init__(
            f"该文件已于{imported_on}导入为《{title}》，不能重复导入；"
            "如方案有修订，请上传修订后的文件",
            field="file",
        )
        self.plan_id = plan_id

    @property
    def link(self) -> str:
        return f"/supervision/plans/{self.plan_id}"

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "plan_id": self.plan_id, "link": self.link}


class UnitsUnresolved(InvalidInput):
    """Some unit names of the plan have no department chosen."""

    code = SupervisionCode.UNITS_UNRESOLVED

    def __init__(self, names: list[str]) -> None:
        shown = "、".join(names[:5]) + ("等" if len(names) > 5 else "")
        super().__init__(
            f"还有 {len(names)} 个单位未确定对应部门：{shown}。请选择部门或新建部门后再确认。",
            field="matches",
        )


class NotYourTask(PermissionDenied):
    """A department acting on a task it is not responsible for."""

    code = SupervisionCode.NOT_YOUR_TASK

    def __init__(self) -> None:
        super().__init__(
            "该任务不是本部门牵头或配合的任务，不能填报进展或申请销号", field="task_id"
        )


class AttachmentRejected(InvalidInput):
    code = SupervisionCode.ATTACHMENT_REJECTED


class IllegalClosing(Conflict):
    code = SupervisionCode.ILLEGAL_CLOSING


class IllegalTransition(Conflict):
    """A meeting, visit or escalation asked to move to a state its lifecycle forbids."""

    code = SupervisionCode.ILLEGAL_TRANSITION


class DecisionWithoutUnit(InvalidInput):
    code = SupervisionCode.DECISION_WITHOUT_UNIT

    def __init__(self) -> None:
        super().__init__("交办任务的会议决定必须指定责任单位", field="department_id")


class DecisionWithoutDeadline(InvalidInput):
    code = SupervisionCode.DECISION_WITHOUT_DEADLINE

    def __init__(self) -> None:
        super().__init__("交办任务的会议决定必须写明完成时限", field="deadline")


class FindingWithoutDeadline(InvalidInput):
    code = SupervisionCode.FINDING_WITHOUT_DEADLINE

    def __init__(self) -> None:
        super().__init__("督导发现的问题必须写明整改时限", field="deadline")


class UnknownFigure(InvalidInput):
    """A report template names a figure the platform does not compute."""

    code = SupervisionCode.UNKNOWN_FIGURE

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"报告模板中的数据项不存在：{'、'.join(names)}", field="figures")


class NotAMember(InvalidInput):
    """A unit named for an attendance, a decision or a seat is not in the body's directory."""

    code = SupervisionCode.NOT_A_MEMBER


class SeatNotCurrent(Conflict):
    code = SupervisionCode.SEAT_NOT_CURRENT

    def __init__(self) -> None:
        super().__init__("该席位已有变更，不是当前在任人员", field="seat_id")


class PdfUnavailable(DomainError):
    """PDF output needs a converter that is not installed here; Word output still works."""

    status = 503
    code = SupervisionCode.PDF_UNAVAILABLE


class IndicatorHasNoSource(InvalidInput):
    """The indicator has no platform data source chosen yet."""

    code = SupervisionCode.INDICATOR_HAS_NO_SOURCE


class GroupNeedsMeeting(InvalidInput):
    """A working group must belong to a joint meeting."""

    code = SupervisionCode.GROUP_NEEDS_MEETING


class PeriodNotStarted(InvalidInput):
    """A report cannot be filed for a period that has not begun."""

    code = SupervisionCode.PERIOD_NOT_STARTED
