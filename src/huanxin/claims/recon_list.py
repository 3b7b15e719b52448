"""The reconciliation page's lines (/reconciliation) as the page kit pages, sorts, filters,
searches and exports them: every line of the files imported in scope, opening on the
mismatches waiting for action (the page showed the newest 500 before); one file's page
(/reconciliation/files/{id}) lists that file's lines the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from huanxin.claims.models import ReconFile, ReconLine
from huanxin.claims.service import reconcile
from huanxin.core.clock import local_text
from huanxin.web.kit.lists import Column, Filter, ListSpec

STATES = {"waiting": "待处理", "resolved": "已处理", "matched": "核对一致"}
OPENING = "waiting"


@dataclass(frozen=True)
class LineRow:
    """A line with what the list shows of it: its file and its state, in words."""

    line: ReconLine
    file_kind: str
    filename: str

    @property
    def state(self) -> str:
        if self.line.outcome == "matched":
            return STATES["matched"]
        return STATES["resolved"] if self.line.resolved_at is not None else STATES["waiting"]


def _state(value: str) -> ColumnElement[bool]:
    if value == "matched":
        return ReconLine.outcome == "matched"
    if value == "resolved":
        return and_(ReconLine.outcome != "matched", ReconLine.resolved_at.is_not(None))
    return reconcile.waiting()


def _kind(value: str) -> ColumnElement[bool]:
    return ReconLine.file_id.in_(select(ReconFile.id).where(ReconFile.kind == value))


def _matching(text: str) -> ColumnElement[bool]:
    """Lines by 单号, note or resolution, or of a file whose name holds ``text``."""
    part = f"%{text.replace('%', '').replace('_', '')}%"
    named = select(ReconFile.id).where(ReconFile.filename.ilike(part))
    return or_(
        ReconLine.reference.ilike(part),
        ReconLine.note.ilike(part),
        ReconLine.resolution.ilike(part),
        ReconLine.file_id.in_(named),
    )


def _yuan(fen: int | None) -> Decimal | str:
    return Decimal(fen) / 100 if fen is not None else ""


SPEC = ListSpec(
    title="对账明细",
    columns=(
        Column("state", "处理状态", None, lambda r: r.state),
        Column(
            "outcome",
            "结果",
            ReconLine.outcome,
            lambda r: reconcile.OUTCOME_LABELS.get(r.line.outcome, ""),
        ),
        Column("reference", "单号", ReconLine.reference, lambda r: r.line.reference),
        Column(
            "expected",
            "系统金额（元）",
            ReconLine.expected_fen,
            lambda r: _yuan(r.line.expected_fen),
        ),
        Column(
            "reported",
            "文件金额（元）",
            ReconLine.reported_fen,
            lambda r: _yuan(r.line.reported_fen),
        ),
        Column("claims", "覆盖申请", ReconLine.claim_count, lambda r: r.line.claim_count),
        Column("note", "说明", None, lambda r: r.line.note),
        Column("file", "对账文件", ReconLine.file_id, lambda r: f"{r.file_kind}：{r.filename}"),
        Column("row_no", "行号", ReconLine.row_no, lambda r: r.line.row_no or ""),
        Column("resolution", "处理说明", None, lambda r: r.line.resolution),
        Column(
            "resolved_at",
            "处理时间",
            ReconLine.resolved_at,
            lambda r: local_text(r.line.resolved_at),
        ),
        Column("id", "记录号", ReconLine.id, lambda r: r.line.id),
    ),
    default_sort="-id",
    tiebreak=ReconLine.id,
    search=_matching,
    search_hint="单号、说明或文件名",
    filters=(
        Filter("state", "处理状态", STATES, _state),
        Filter(
            "outcome",
            "结果",
            reconcile.OUTCOME_LABELS,
            lambda v: ReconLine.outcome == v,
        ),
        Filter("kind", "文件类型", reconcile.KIND_LABELS, _kind),
    ),
)


def rows_of(session: Session) -> Callable[[list[ReconLine]], list[LineRow]]:
    """The page's lines with their files (one query per page)."""

    def view(lines: list[ReconLine]) -> list[LineRow]:
        ids = {x.file_id for x in lines}
        stmt = select(ReconFile).where(ReconFile.id.in_(ids))
        files = {f.id: f for f in session.scalars(stmt)} if ids else {}
        return [
            LineRow(
                x, reconcile.KIND_LABELS.get(files[x.file_id].kind, ""), files[x.file_id].filename
            )
            for x in lines
        ]

    return view
