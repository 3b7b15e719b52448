"""The renewal project's lifecycle, one stage at a time: planning → applied → approved →
building → completed (final). Any other step is an ``IllegalStep`` (409)."""

from __future__ import annotations

from enum import StrEnum

from huanxin.core.lifecycle import Lifecycle
from huanxin.equipment.errors import IllegalStep


class ProjectStage(StrEnum):
    PLANNING = "planning"
    APPLIED = "applied"
    APPROVED = "approved"
    BUILDING = "building"
    COMPLETED = "completed"


P = ProjectStage
PROJECTS = Lifecycle(
    "项目",
    {
        P.PLANNING: "谋划",
        P.APPLIED: "申报",
        P.APPROVED: "审批",
        P.BUILDING: "在建",
        P.COMPLETED: "竣工投产",
    },
    {
        P.PLANNING: frozenset({P.APPLIED}),
        P.APPLIED: frozenset({P.APPROVED}),
        P.APPROVED: frozenset({P.BUILDING}),
        P.BUILDING: frozenset({P.COMPLETED}),
        P.COMPLETED: frozenset(),
    },
    IllegalStep,
)
