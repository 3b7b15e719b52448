"""A robustness corpus for the plan importer, generated from the gold seeds at test time.

Each seed gets a task-division appendix (分工表): the plan's own appendix rows when it has one,
else one row per gold task. The appendix is then written in the layouts plans arrive in:

- ``docx``: a Word document with a real table (header row repeated on every page, units merged
  across rows where they repeat, one task split over two rows under one merged 序号/task cell,
  and — in the grouped layout — a 领域 column whose cells cover several rows; in the sections
  layout, chapter-title rows spanning every column);
- ``pdf``: that document converted by LibreOffice (rows broken across pages);
- ``pdf_text``: the PDF's text as a viewer copies it (pdfplumber ``extract_text``: cells wrapped
  over lines, columns interleaved on each line, page numbers and headers in the middle of rows);
- ``flat``: the table flattened to one cell per line, cells wrapped at 24 characters.

``expected`` is the seed's gold with the generated appendix rows as ``appendix_tasks``.
"""

from __future__ import annotations

import copy
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADER_TEXT = "设备更新和以旧换新工作文件"
SECTION = "§"


@dataclass
class Row:
    serial: str
    task: str
    measures: str
    lead: list[str]
    support: list[str]
    group: str = ""
    parts: list[str] = field(default_factory=list)  # measures split over merged sub-rows


def body_and_rows(text: str, gold: dict[str, Any]) -> tuple[str, list[Row]]:
    """The seed's text without its own table, and the rows of its task-division table."""
    own = [ln for ln in text.splitlines() if "\t" in ln and not ln.startswith("序号")]
    if own:
        units = {str(t["ref"]): t for t in gold["appendix_tasks"]}
        rows = [_own_row(line.split("\t"), units) for line in own]
        body = [ln for ln in text.splitlines() if "\t" not in ln]
        cut = next(i for i, ln in enumerate(body) if ln.startswith("附件"))
        return "\n".join(body[:cut]), rows
    return _strip_footer(text), [_gold_row(i, t, text) for i, t in enumerate(gold["tasks"], 1)]


def _own_row(cells: list[str], units: dict[str, Any]) -> Row:
    t = units[cells[0]]
    return Row(cells[0], cells[1], cells[2], list(t["lead_units"]), list(t["support_units"]))


def _gold_row(serial: int, task: dict[str, Any], text: str) -> Row:
    flat = re.sub(r"[\s*]+", "", text)
    title = re.sub(r"[\s*]+", "", task["title"])
    at = flat.find(title)
    measures = flat[at : at + 110] if at >= 0 else title
    measures = re.sub(r"（[^（）]*(负责|牵头|配合|单位)[^（）]*）?", "", measures)
    measures = re.split(r"(?=[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", measures)[0]
    group = str(task["ref"]).split("/")[0]
    return Row(
        str(serial),
        task["title"],
        measures.rstrip("，、") + "。",
        list(task["lead_units"]),
        list(task["support_units"]),
        group=group,
    )


def _strip_footer(text: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\s*(抄送|印发)", line):
            return "\n".join(lines[:i])
    return text


def expected(gold: dict[str, Any], rows: list[Row]) -> dict[str, Any]:
    out = copy.deepcopy(gold)
    out["appendix_tasks"] = [
        {"ref": r.serial, "title": r.task, "lead_units": r.lead, "support_units": r.support}
        for r in rows
    ]
    return out


LAYOUTS = ("units", "grouped", "sections")


def units_cell(row: Row) -> str:
    text = "、".join(row.lead) + "牵头"
    return text + ("，" + "、".join(row.support) + "配合" if row.support else "")


def split_one_row(rows: list[Row]) -> None:
    """The longest row becomes one task over two sub-rows (merged 序号 and task cells)."""
    longest = max(rows, key=lambda r: len(r.measures))
    sentences = [s for s in re.split(r"(?<=。)", longest.measures) if s]
    half = max(1, len(sentences) // 2)
    longest.parts = ["".join(sentences[:half]), "".join(sentences[half:]) or "加强跟踪调度。"]


# --- Word ----------------------------------------------------------------------------------


def write_docx(
    body: str, rows: list[Row], path: Path, *, grouped: bool, sections: bool = False
) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    document.styles["Normal"].font.size = Pt(10)
    section.header.paragraphs[0].text = HEADER_TEXT
    _page_number_footer(section.footer.paragraphs[0], OxmlElement, qn)
    for line in body.splitlines():
        cleaned = re.sub(r"^#+\s*", "", line).replace("**", "").strip()
        if cleaned:
            document.add_paragraph(cleaned)
    document.add_paragraph("附件：工作任务分工表")
    columns = ["序号", "重点领域", "重点任务", "具体措施", "牵头单位", "配合单位"]
    if not grouped:
        columns = ["序号", "工作目标", "细化措施", "部门分工"]
    grid = _grid(rows, grouped=grouped)
    if sections:
        grid = _with_sections(grid, rows, body, len(columns))
    table = document.add_table(rows=len(grid) + 1, cols=len(columns))
    table.style = "Table Grid"
    widths = [1.2, 2.5, 4.0, 11.0, 3.5, 4.5] if grouped else [1.2, 4.5, 14.0, 6.5]
    for i, name in enumerate(columns):
        table.rows[0].cells[i].text = name
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    for r, values in enumerate(grid, start=1):
        for c, value in enumerate(values):
            table.rows[r].cells[c].text = value
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            cell.width = Cm(widths[c])
    _merge_repeats(table, grid, columns, grouped=grouped)
    for r, values in enumerate(grid, start=1):
        if values[0].startswith(SECTION):  # a chapter title spanning every column
            table.cell(r, 0).merge(table.cell(r, len(columns) - 1)).text = values[0][1:]
    document.save(str(path))


def _with_sections(
    grid: list[list[str]], rows: list[Row], body: str, width: int
) -> list[list[str]]:
    """A chapter-title row before each chapter's first row (rows without a chapter are
    taken five at a time)."""
    numerals = "一二三四五六七八九十"
    chapter = {r.serial: r.group or numerals[min(i // 5, 9)] for i, r in enumerate(rows)}
    out: list[list[str]] = []
    seen: set[str] = set()
    for values in grid:
        group = chapter[values[0]]
        if group not in seen:
            seen.add(group)
            heading = next(
                (
                    ln.strip()
                    for ln in body.splitlines()
                    if ln.strip().replace("*", "").startswith(group + "、")
                ),
                "",
            )
            title = heading.replace("*", "")[:20] or f"{group}、{values[1][:12]}"
            out.append([SECTION + title] * width)
        out.append(values)
    return out


def _grid(rows: list[Row], *, grouped: bool) -> list[list[str]]:
    grid: list[list[str]] = []
    for row in rows:
        for part in row.parts or [row.measures]:
            if grouped:
                grid.append(
                    [
                        row.serial,
                        row.group,
                        row.task,
                        part,
                        "、".join(row.lead),
                        "、".join(row.support),
                    ]
                )
            else:
                grid.append([row.serial, row.task, part, units_cell(row)])
    return grid


def _merge_repeats(table: Any, grid: list[list[str]], columns: list[str], *, grouped: bool) -> None:
    """Merge runs of equal cells down a column: 序号 and task of a split row, the 领域 of a
    group, and units repeated on consecutive rows."""
    within_row = {0, 2} if grouped else {0, 1}
    for c in [0, 1, 2, 4, 5] if grouped else [0, 1, 3]:
        start = 0
        for r in range(1, len(grid) + 1):
            if r < len(grid) and _same(grid, r, start, c, within_row):
                continue
            if r - start > 1:
                merged = table.cell(start + 1, c).merge(table.cell(r, c))
                merged.text = grid[start][c]
            start = r


def _same(grid: list[list[str]], r: int, start: int, c: int, within_row: set[int]) -> bool:
    """Whether cell (r, c) repeats (start, c): 序号/task only within one row's sub-rows, unit
    cells only when the row's units are all the same (a lone merged 牵头 cell beside a filled
    配合 cell cannot be told from an empty one once the table is flattened to text)."""
    if not grid[r][c] or SECTION in grid[r][0] + grid[start][0]:
        return False
    if c in within_row:
        return grid[r][0] == grid[start][0]
    if c in (4, 5) and len(grid[r]) == 6:
        return grid[r][4:] == grid[start][4:]
    return grid[r][c] == grid[start][c]


def _page_number_footer(paragraph: Any, element: Any, qn: Any) -> None:
    """The footer "— N —", N a PAGE field."""
    paragraph.add_run("— ")
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            char = element("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instr = element("w:instrText")
            instr.text = "PAGE"
            run._r.append(instr)
        else:
            run.text = str(text)
    paragraph.add_run(" —")


# --- PDF and its text ------------------------------------------------------------------------


def to_pdf(docx_paths: list[Path]) -> list[Path]:
    """Convert the documents with one LibreOffice run (its start-up dominates)."""
    out = docx_paths[0].parent
    profile = out / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docx_paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [p.with_suffix(".pdf") for p in docx_paths]


def pdf_text(pdf_path: Path) -> str:
    """What a viewer copies: page by page, lines across the columns."""
    import pdfplumber

    with pdfplumber.open(str(pdf_path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def scan_pdf(pdf: Path, out: Path, *, dpi: int = 200) -> None:
    """Every page of ``pdf`` rendered to a grey image, saved as an image-only PDF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        images = [
            document[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(document))
        ]
    finally:
        document.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)


def flat_text(body: str, rows: list[Row]) -> str:
    """The table flattened to one cell per line, every cell wrapped at 24 characters."""
    lines = [body, "附件：工作任务分工表", "序号", "工作目标", "细化措施", "部门分工"]
    for row in rows:
        lines.append(row.serial)
        for cell in (row.task, row.measures, units_cell(row)):
            lines += [cell[i : i + 24] for i in range(0, len(cell), 24)]
    return "\n".join(lines)


# --- scores, printed as JSON -------------------------------------------------------------


def main(argv: list[str]) -> int:
    """usage: python -m tests.supervision.plan_corpus SHARED_DIR OUT_DIR — every variant's
    F1 scores (tasks, units, targets) by SHARED_DIR/tools/score_plan.py, one JSON object."""
    import importlib.util
    import json

    from huanxin.supervision.planparse import parse_plan, parse_plan_text

    shared, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    spec = importlib.util.spec_from_file_location("score_plan", shared / "tools" / "score_plan.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    cases = {}
    for gold_file in sorted((shared / "seeds" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (shared / "seeds" / f"{gold_file.stem}.txt").read_text(encoding="utf-8")
        body, rows = body_and_rows(text, gold)
        split_one_row(rows)
        for layout in LAYOUTS:
            path = out / f"{gold_file.stem}-{layout}.docx"
            write_docx(body, rows, path, grouped=layout == "grouped", sections=layout == "sections")
            cases[(gold_file.stem, layout)] = (path, body, rows, expected(gold, rows))
    pdfs = dict(zip(cases, to_pdf([c[0] for c in cases.values()]), strict=True))
    scores: dict[str, dict[str, float]] = {}
    for (name, layout), (path, body, rows, want) in cases.items():
        plans = {
            "docx": parse_plan(path),
            "pdf": parse_plan(pdfs[(name, layout)]),
            "pdf_text": parse_plan_text(pdf_text(pdfs[(name, layout)]), source_name="t"),
        }
        if layout == "units":
            plans["flat"] = parse_plan_text(flat_text(body, rows), source_name="t")
        for form, plan in plans.items():
            result = scorer.score(want, plan)
            scores[f"{name}/{layout}/{form}"] = {
                k: result[k]["f1"] for k in ("tasks", "units", "targets")
            }
    if "--scan" in argv:  # the first plan's units PDF as a 200-dpi scan, read by OCR
        (name, layout), case = next(iter(cases.items()))
        scan = out / f"{name}-{layout}-scan.pdf"
        scan_pdf(pdfs[(name, layout)], scan)
        plan = parse_plan(scan)
        body_only = {**case[3], "appendix_tasks": []}  # OCR does not rebuild a scanned table
        result = scorer.score(body_only, plan)
        scores[f"{name}/{layout}/scan_body"] = {
            k: result[k]["f1"] for k in ("tasks", "units", "targets")
        }
        scores[f"{name}/{layout}/scan_body"]["confidence"] = min(
            p["confidence"] for p in plan["ocr"]["pages"]
        )
    print(json.dumps({"variants": scores}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
