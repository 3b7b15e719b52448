"""Failures of the supervision domain, named as facts, with Chinese messages naming the field.

Plan-import failures (no text layer, not a plan, unsupported format) live in
``planparse.errors`` and are re-exported here.
"""

from __future__ import annotations

from huanxin.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from huanxin.supervision.planparse.errors import (
    NotAPlan,
    NoTextLayer,
    PlanImportError,
    UnreadableFile,
    UnsupportedFormat,
)

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
    code = "plan_already_confirmed"

    def __init__(self) -> None:
        super().__init__("该实施方案的单位匹配已确认，台账已生成，不能再修改", field="plan_id")


class PlanAlreadyImported(Conflict):
    """The same file (by content hash) was already imported for this jurisdiction."""

    code = "plan_already_imported"

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

    code = "units_unresolved"

    def __init__(self, names: list[str]) -> None:
        shown = "、".join(names[:5]) + ("等" if len(names) > 5 else "")
        super().__init__(
            f"还有 {len(names)} 个单位未确定对应部门：{shown}。请选择部门或新建部门后再确认。",
            field="matches",
        )


class NotYourTask(PermissionDenied):
    """A department acting on a task it is not responsible for."""

    code = "not_your_task"

    def __init__(self) -> None:
        super().__init__(
            "该任务不是本部门牵头或配合的任务，不能填报进展或申请销号", field="task_id"
        )


class AttachmentRejected(InvalidInput):
    code = "attachment_rejected"


class IllegalClosing(Conflict):
    code = "illegal_closing"


class IllegalTransition(Conflict):
    """A meeting, visit or escalation asked to move to a state its lifecycle forbids."""

    code = "illegal_transition"


class DecisionWithoutUnit(InvalidInput):
    code = "decision_without_unit"

    def __init__(self) -> None:
        super().__init__("交办任务的会议决定必须指定责任单位", field="department_id")


class DecisionWithoutDeadline(InvalidInput):
    code = "decision_without_deadline"

    def __init__(self) -> None:
        super().__init__("交办任务的会议决定必须写明完成时限", field="deadline")


class FindingWithoutDeadline(InvalidInput):
    code = "finding_without_deadline"

    def __init__(self) -> None:
        super().__init__("督导发现的问题必须写明整改时限", field="deadline")


class UnknownFigure(InvalidInput):
    """A report template names a figure the platform does not compute."""

    code = "unknown_figure"

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"报告模板中的数据项不存在：{'、'.join(names)}", field="figures")


class NotAMember(InvalidInput):
    """A unit named for an attendance, a decision or a seat is not in the body's directory."""

    code = "not_a_member"


class SeatNotCurrent(Conflict):
    code = "seat_not_current"

    def __init__(self) -> None:
        super().__init__("该席位已有变更，不是当前在任人员", field="seat_id")


class PdfUnavailable(DomainError):
    """PDF output needs a converter that is not installed here; Word output still works."""

    status = 503
    code = "pdf_unavailable"
