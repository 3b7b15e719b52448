"""Task tables (usually in an appendix): locating them in the line stream and reading rows.

Owns: header detection (a 序号 row), row boundaries by consecutive serial numbers (robust to
tables flattened into lines and to headers repeated on every page), column roles, and the
units of each row (部门分工 cells like "X牵头，Y配合", or separate 牵头/配合 columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huanxin.supervision.planparse.text import DITTO, numbering
from huanxin.supervision.planparse.units import Units, looks_like_unit, parse_units, unit_names

HEADER_WORD = re.compile(r"(任务|工作|目标|措施|单位|分工|部门|时限|内容|事项)")
TABLE_END = re.compile(r"^(附件|抄送|印发|主题词|[\u4e00-\u9fff]{2,20}办公室\s*\d{4}年)")
UNIT_HEADER = r"(单位|部门|分工|责任)"
FOOTER = re.compile(r"^(抄送|印发|主题词)|\d{4}年\d{1,2}月\d{1,2}日印发$")


@dataclass
class Table:
    header: list[str]
    lines: list[str] = field(default_factory=list)


def split_tables(lines: list[str]) -> tuple[list[str], list[Table]]:
    """(lines outside tables, tables). A table runs from its 序号 header to the next chapter
    heading, attachment marker or document footer."""
    body: list[str] = []
    tables: list[Table] = []
    current: Table | None = None
    for i, line in enumerate(lines):
        header = _header(line)
        if header:
            if current is None or header != current.header:
                current = Table(header=header)
                tables.append(current)
            continue
        if current is not None and _ends_table(line) and not section_row(lines, i):
            current = None
        if current is None:
            body.append(line)
        else:
            current.lines.append(line)
    return body, tables


def _header(line: str) -> list[str] | None:
    cells = [c for c in re.split(r"\t+", line) if c]
    if len(line) > 100 or not cells or cells[0] != "序号":
        return None
    return cells if len(cells) == 1 or HEADER_WORD.search(line) else None


def section_row(lines: list[str], i: int) -> bool:
    """A chapter title inside a table (a row spanning every column, "二、消费品以旧换新"),
    followed by the table's next numbered row."""
    line = lines[i].strip()
    head = numbering(line)
    if head is None or head[0] != 0 or len(line) > 40 or "。" in line:
        return False
    following = next((ln.strip() for ln in lines[i + 1 : i + 4] if ln.strip()), "")
    return bool(re.match(r"^\d{1,3}(\t|\s|$)", following))


def _ends_table(line: str) -> bool:
    head = numbering(line)
    return bool(TABLE_END.match(line) or (head is not None and head[0] == 0))


def table_rows(table: Table) -> tuple[list[dict[str, object]], list[str]]:
    """(rows as task dicts, lines that belong to no row)."""
    header = _expand_flat_header(table)
    rows: list[list[str]] = []
    aligned: list[bool] = []
    loose: list[str] = []
    for line in table.lines:
        if line in header or _is_repeated_header(line, header):
            continue  # header repeated on a new page
        cells = line.split("\t")
        if len(header) > 1 and len(cells) == len(header):
            if _aligned_row(rows, cells):
                aligned.append(True)
            elif rows and aligned[-1]:
                _continue_row(rows[-1], cells)
            else:
                loose.append(line)
            continue
        if rows and aligned[-1]:
            loose.append(line)  # running text between the rows of a real table
            continue
        m = re.match(r"^(\d{1,3})(?:\t|$|[、.．](?!\d))", line)
        if m and int(m.group(1)) == len(rows) + 1:
            rest = line[m.end() :]
            rows.append([m.group(1), *[c for c in rest.split("\t") if c]])
            aligned.append(False)
        elif rows and re.fullmatch(r"\d{1,4}", line) and len(rows[-1]) >= len(header):
            loose.append(line)  # a bare page number after a complete row
        elif rows and line.strip():
            rows[-1].extend(c for c in line.split("\t") if c)
        elif line.strip():
            loose.append(line)
    _inherit_merged_units(rows, aligned, header)
    return [_row_task(row, header) for row in rows], loose


def _is_repeated_header(line: str, header: list[str]) -> bool:
    return re.sub(r"\s", "", line) == "".join(header)


def _aligned_row(rows: list[list[str]], cells: list[str]) -> bool:
    """Start a new row when the 序号 cell holds a new number."""
    serial = cells[0].strip().rstrip("、.．")
    if not re.fullmatch(r"\d{1,3}", serial) or (rows and rows[-1][0] == serial):
        return False
    above = rows[-1] if rows else [""] * len(cells)
    rows.append([serial, *(above[i] if c == DITTO else c for i, c in enumerate(cells) if i)])
    return True


def _continue_row(row: list[str], cells: list[str]) -> None:
    """A row broken over pages, or sub-rows under one merged 序号/task cell."""
    for i, cell in enumerate(cells[1:], start=1):
        if cell and cell != DITTO and cell != row[i] and not row[i].endswith(cell):
            row[i] += cell


def _inherit_merged_units(rows: list[list[str]], aligned: list[bool], header: list[str]) -> None:
    """An empty unit column under a filled one is a cell merged down from the row above."""
    unit_cols = [i for i, name in enumerate(header) if i and re.search(UNIT_HEADER, name)]
    for i in range(1, len(rows)):
        if not (aligned[i] and aligned[i - 1]) or len(rows[i]) != len(rows[i - 1]):
            continue
        if all(not rows[i][c].strip() for c in unit_cols):
            for c in unit_cols:
                rows[i][c] = rows[i - 1][c]


def _expand_flat_header(table: Table) -> list[str]:
    header = list(table.header)
    if len(header) == 1:
        while table.lines and _is_header_cell(table.lines[0]):
            header.append(table.lines.pop(0))
    return header


def _is_header_cell(line: str) -> bool:
    return len(line) <= 8 and "\t" not in line and bool(HEADER_WORD.search(line))


def _row_task(row: list[str], header: list[str]) -> dict[str, object]:
    serial, cells = row[0], row[1:]
    columns = header[1:]
    if len(cells) != len(columns):
        cells = [c for c in cells if c]
    aligned = bool(columns) and len(cells) == len(columns)
    units = Units()
    if aligned:
        for name, cell in zip(columns, cells, strict=True):
            units.merge(_column_units(name, cell))
        title = cells[_title_index(columns)]
    else:
        title = cells[0] if cells else ""
        units = _flat_units(cells[1:])
    return {
        "ref": serial,
        "title": re.split(r"[。；]", title)[0][:40],
        "lead_units": units.lead,
        "support_units": units.support,
        "shared_responsibility": units.shared,
    }


def _flat_units(cells: list[str]) -> Units:
    """Units of a row whose cells were flattened into wrapped lines: the text after the
    last full stop, else every cell that names units."""
    tail = "".join(cells).rsplit("。", 1)[-1]
    if tail and (re.search(r"(牵头|配合|负责)", tail) or _all_units(tail)):
        return parse_units(tail)
    units = Units()
    for cell in cells:
        if re.search(r"(牵头|配合|负责)", cell) or _all_units(cell):
            units.merge(parse_units(cell))
    return units


def _title_index(columns: list[str]) -> int:
    for i, name in enumerate(columns):
        if re.search(r"(任务|目标|事项|内容|工作)", name) and not re.search(
            r"(措施|单位|分工|部门|时限)", name
        ):
            return i
    return 0


def _column_units(name: str, cell: str) -> Units:
    if not re.search(r"(单位|部门|分工|责任)", name) or not cell.strip():
        return Units()
    if re.search(r"(牵头|配合|负责)", cell):
        return parse_units(cell)
    names = unit_names(cell)
    if "牵头" in name or "主责" in name:
        return Units(lead=names)
    if re.search(r"(配合|协助|参与|责任)", name):
        return Units(support=names)
    return Units(lead=names)


def _all_units(cell: str) -> bool:
    names = unit_names(cell)
    return bool(names) and all(looks_like_unit(n) for n in names)
