"""Importer of implementation plans (实施方案): file → tasks, units, targets, milestones.

Public API: ``parse_plan(path)`` and ``parse_plan_text(text, source_name=...)``, both returning
the JSON shape of shared/seeds/gold (document, tasks, appendix_tasks, targets, milestones) plus
``unplaced``: every piece of text that could not be placed, with a reason, and — for a scan
read by OCR — ``ocr``: the engine and each page's mean confidence.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from huanxin.supervision.planparse import flat_table
from huanxin.supervision.planparse.appendix import FOOTER, Table, split_tables, table_rows
from huanxin.supervision.planparse.errors import (
    NotAPlan,
    NoTextLayer,
    PlanImportError,
    UnreadableFile,
    UnsupportedFormat,
)
from huanxin.supervision.planparse.meta import document_meta
from huanxin.supervision.planparse.structure import (
    Node,
    body_text,
    build_outline,
    task_leaves,
    task_title,
)
from huanxin.supervision.planparse.targets import TO_YEAR, extract
from huanxin.supervision.planparse.text import (
    clean_line,
    drop_running_lines,
    find_quote,
    join_paragraphs,
    numbering,
    read_document,
)

__all__ = [
    "KIND_LABELS",
    "REASON_LABELS",
    "NoTextLayer",
    "NotAPlan",
    "PlanImportError",
    "UnreadableFile",
    "UnsupportedFormat",
    "parse_plan",
    "parse_plan_text",
]

Record = dict[str, object]
# Chinese labels of the codes the review page shows
REASON_LABELS = {
    "section_without_units_not_a_task": "章节未写责任单位，未作为任务",
    "appendix_text_not_in_a_table": "附件中未能归入表格行的文字",
    "unit_text_not_parsed": "未能识别的责任单位文字",
}
KIND_LABELS = {
    "reach": "达到",
    "count": "数量",
    "increase_pct": "增长（%）",
    "decrease_pct": "下降（%）",
    "increase_pp": "提高（百分点）",
    "decrease_pp": "降低（百分点）",
    "multiple": "倍数",
    "ratio": "比例",
}


def parse_plan(path: Path) -> dict[str, Any]:
    """Read a .txt/.docx/.pdf plan and import it."""
    text, ocr_pages = read_document(path)
    plan = parse_plan_text(text, source_name=path.name)
    if ocr_pages:
        plan["ocr"] = {
            "engine": "tesseract chi_sim",
            "pages": [{"page": p.number, "confidence": p.confidence} for p in ocr_pages],
        }
    return plan


def parse_plan_text(text: str, *, source_name: str) -> dict[str, Any]:
    """Import a plan from its text (tables as tab-separated rows)."""
    raw_lines = flat_table.rebuild(drop_running_lines(text.splitlines()))
    lines = [clean_line(line) for line in raw_lines]
    body_lines, tables = split_tables(lines)
    main, appendix = _split_appendix(body_lines)
    outline = build_outline(join_paragraphs([ln.replace("\t", "") for ln in main]))
    nodes = _walk(outline.root)
    appendix_tasks, loose = _appendix_tasks(tables)
    if len(nodes) < 2 and not appendix_tasks:
        raise NotAPlan(source_name)
    tasks, others = task_leaves(outline.root)
    targets, milestones = _targets(outline.preamble, nodes, tasks, text)
    unplaced = outline.unplaced + [_not_task(node) for node in others]
    unplaced += [{"text": ln, "reason": "appendix_text_not_in_a_table"} for ln in loose + appendix]
    return {
        "source_file": source_name,
        "document": document_meta(_meta_lines(main)),
        "tasks": [_task(node, text) for node in tasks],
        "appendix_tasks": appendix_tasks,
        "targets": targets,
        "milestones": milestones,
        "unplaced": unplaced,
    }


def _split_appendix(lines: list[str]) -> tuple[list[str], list[str]]:
    seen_heading = False
    for i, line in enumerate(lines):
        seen_heading = seen_heading or numbering(line) is not None
        if seen_heading and line.startswith("附件"):
            rest = [ln for ln in lines[i:] if ln and not FOOTER.search(ln)]
            return lines[:i], join_paragraphs([ln.replace("\t", " ") for ln in rest])
    return lines, []


def _meta_lines(lines: list[str]) -> list[str]:
    out = []
    for line in (ln for ln in lines if ln):
        head = numbering(line)
        if head is not None and head[0] <= 1:
            break
        out.append(line.replace("\t", ""))
    return out


def _walk(node: Node) -> list[Node]:
    out = [node] if node.level >= 0 else []
    for child in node.children:
        out += _walk(child)
    return out


def _appendix_tasks(tables: list[Table]) -> tuple[list[Record], list[str]]:
    rows: list[Record] = []
    loose: list[str] = []
    for table in tables:
        table_tasks, table_loose = table_rows(table)
        rows += table_tasks
        loose += table_loose
    return rows, loose


def _task(node: Node, raw: str) -> Record:
    units = node.effective_units()
    first = node.heading if len(node.heading) > 8 or len(node.paras) < 2 else node.paras[1]
    return {
        "ref": node.ref,
        "title": task_title(node),
        "lead_units": list(units.lead),
        "support_units": list(units.support),
        "shared_responsibility": units.shared,
        "quote": find_quote(raw, first),
    }


def _not_task(node: Node) -> dict[str, str]:
    text = "".join(node.paras)
    return {"ref": node.ref, "text": text[:200], "reason": "section_without_units_not_a_task"}


def _targets(
    preamble: list[str], nodes: list[Node], tasks: list[Node], raw: str
) -> tuple[list[Record], list[Record]]:
    """Targets and milestones, each with the ``section`` (outline ref) it was found in, or
    None for the text before the first heading."""
    task_chapters = {id(_chapter(t)) for t in tasks}
    scopes = [p for p in preamble if TO_YEAR.search(p)]
    targets, milestones = extract(scopes) if scopes else ([], [])
    for item in targets + milestones:
        item["section"] = None
    goals = {node.ref for node in nodes if _is_goals(_chapter(node))}
    for node in nodes:
        paras = body_text(node)
        in_scope = id(_chapter(node)) in task_chapters or node.ref in goals
        if in_scope or any(TO_YEAR.search(p) for p in paras):
            found, dated = extract(paras)
            for item in found + dated:
                item["section"] = node.ref
            targets += found
            milestones += dated
    _plan_horizon(targets, goals, raw)
    for item in targets + milestones:
        item["quote"] = find_quote(raw, str(item["quote"]))
    return targets, milestones


def _is_goals(chapter: Node) -> bool:
    return bool(re.search(r"(主要目标|工作目标|总体目标|发展目标|目标任务)", chapter.heading[:16]))


def _plan_horizon(targets: list[Record], goals: set[str], raw: str) -> None:
    """A goal stated without a year (and not 每年) is due at the plan's horizon: the end of a
    "2024—2027年" span in the text, else its latest 到YYYY年."""
    span = re.compile(r"(?:19|20)\d{2}\s*[—–\-－~～至到]\s*((?:19|20)\d{2})\s*年")
    years = [int(y) for y in span.findall(raw)] or [int(y) for y in TO_YEAR.findall(raw)]
    if not years:
        return
    for item in targets:
        in_goals = item["section"] is None or item["section"] in goals
        annual = re.search(r"(每年|年均|每季度|每月)", str(item["quote"]))
        if item["year"] is None and in_goals and not annual:
            item["year"] = max(years)


def _chapter(node: Node) -> Node:
    while node.parent is not None and node.parent.level >= 0:
        node = node.parent
    return node
