"""Reading plan files (.txt/.docx/.pdf) into text, and normalising that text into lines.

Owns: file decoding, PDF/DOCX extraction (tables rendered as tab-separated rows, merged cells
as 〃; scanned PDFs handed to ``ocr``), per-line
clean-up (markdown/bold markers, page numbers, half-width punctuation, stray spaces), the
numbering patterns shared by the parser, and mapping a normalised snippet back to an exact
quote of the raw source.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from huanxin.supervision.planparse import ocr
from huanxin.supervision.planparse.docx_numbering import Numbering
from huanxin.supervision.planparse.errors import NoTextLayer, UnreadableFile, UnsupportedFormat
from huanxin.supervision.planparse.ocr import OcrPage

CJK = r"\u3400-\u9fff\uf900-\ufaff"
NUMERAL = "一二三四五六七八九十百零〇"
# (kind, regex) in hierarchy order: 一、 > （一） > 1. > （1） > ①
NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(rf"^([{NUMERAL}]{{1,4}})、")),
    (1, re.compile(rf"^（([{NUMERAL}]{{1,4}})）")),
    (2, re.compile(r"^(\d{1,3})[\.．、](?![\d.．])")),
    (3, re.compile(r"^（(\d{1,3})）")),
    (4, re.compile(r"^([①-⑳])")),
)
PAGE_NUMBER = re.compile(
    r"^[\s—–\-－_~]*(第\s*)?\d{1,4}\s*(页)?(\s*[/共]\s*\d+\s*页?)?[\s—–\-－_~]*$"
)
INLINE_PAGE_NUMBER = re.compile(r"\s*[—－–]{1,2}\s*\d{1,4}\s*[—－–]{1,2}\s*")
RULE_LINE = re.compile(r"^\s*([-_*=—]\s*){3,}$")
DITTO = "〃"
MIN_TEXT_CHARS = 20
HALF_TO_FULL = str.maketrans({"(": "（", ")": "）"})


def read_document(path: Path) -> tuple[str, list[OcrPage]]:
    """The text of a plan file, and the OCR'd pages when it was a scan (else [])."""
    suffix = path.suffix.lower()
    if suffix in {".txt", ".md", ".text"}:
        return _read_txt(path), []
    if suffix == ".docx":
        return _read_docx(path), []
    if suffix == ".pdf":
        return _read_pdf(path)
    raise UnsupportedFormat(path.name)


def _read_txt(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(path.name, "文本编码无法识别（请使用UTF-8或GBK）")


def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types
        raise UnreadableFile(path.name, "不是有效的Word（.docx）文件") from exc
    numbering = Numbering(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text
            label = numbering.label(child)
            lines.append(_with_label(label, text) if text.strip() else text)
        elif tag == "tbl":
            lines.extend(_table_rows(Table(child, document)))
    return "\n".join(lines)


def _with_label(label: str, text: str) -> str:
    """The paragraph text behind its automatic number, unless the text already starts with it
    (numbering typed by hand on top of a numbered style)."""
    label = label.strip()
    if not label or text.lstrip().startswith(label):
        return text
    return label + text.lstrip()


def _table_rows(table: Any) -> list[str]:
    """One tab-separated line per row; a cell spanning columns counts once, a cell merged
    down from the row above repeats its text (the importer reads it as the same row's or the
    same units)."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if seen and cell._tc is seen[-1]:
                continue
            seen.append(cell._tc)
            cells.append(re.sub(r"\s*\n\s*", "", cell.text).strip())
        rows.append("\t".join(cells))
    return rows


def _read_pdf(path: Path) -> tuple[str, list[OcrPage]]:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        raise UnreadableFile(path.name, "不是有效的PDF文件") from exc
    with pdf:
        pages = [_pdf_page_text(page) for page in pdf.pages]
    text = "\n".join(pages)
    if _visible(text) >= MIN_TEXT_CHARS:
        return text, []
    return _read_scan(path)


def _read_scan(path: Path) -> tuple[str, list[OcrPage]]:
    """An image-only PDF: OCR when this machine has it, else refused."""
    if not ocr.available():
        raise NoTextLayer(path.name)
    pages = ocr.read_pages(path)
    text = "\n".join(page.text for page in pages)
    if _visible(text) < MIN_TEXT_CHARS:
        raise NoTextLayer(path.name, ocr_tried=True)
    return text, pages


def _visible(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _pdf_page_text(page: Any) -> str:
    """The page's running text and its tables, in reading order: the text above a table,
    the table's rows (tab-separated, merged cells empty), the text below it."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    source = page.filter(outside) if boxes else page
    parts: list[str] = []
    top = 0.0
    for table, box in zip(tables, boxes, strict=True):
        parts.append(_band_text(source, top, box[1]))
        for row in table.extract():
            parts.append("\t".join(_pdf_cell(c) for c in row))
        top = box[3]
    parts.append(_band_text(source, top, float(page.height)))
    return "\n".join(p for p in parts if p)


def _pdf_cell(cell: str | None) -> str:
    """A cell's text; a cell merged down from the row above (None) is written 〃 (同上)."""
    return DITTO if cell is None else re.sub(r"\s*\n\s*", "", cell)


def _band_text(page: Any, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    band = page.crop((0, top, float(page.width), bottom), strict=False)
    return str(band.extract_text() or "")


def clean_line(line: str) -> str:
    """Normalise one source line; returns "" for lines that carry no content."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").replace("\r", "")
    line = line.replace("**", "").replace("__", "")
    line = re.sub(r"^\s*#+\s*", "", line)
    if RULE_LINE.match(line) or _is_page_number(line):
        return ""
    line = INLINE_PAGE_NUMBER.sub("", line)
    line = line.translate(HALF_TO_FULL).replace("［", "〔").replace("］", "〕")
    line = re.sub(rf"(?<=[{CJK}）”])\s*:", "：", line)
    line = re.sub(r"\s*;\s*", "；", line)
    line = re.sub(rf"(?<=[{CJK}）”])\s*,\s*|\s*,\s*(?=[{CJK}（“])", "，", line)
    line = re.sub(r" *\t *| {2,}", "\t", line.strip(" \n"))
    line = re.sub(r"(?<![A-Za-z0-9]) +| +(?![A-Za-z0-9])", "", line)
    return line if line.strip() else ""


def drop_running_lines(lines: list[str]) -> list[str]:
    """Blank out running headers/footers of a paginated text: a short line that recurs at
    least three times, each time within two lines of a page number."""
    pages = [i for i, ln in enumerate(lines) if _is_page_number(ln)]
    if len(pages) < 2:
        return lines
    near: dict[str, list[bool]] = {}
    for i, line in enumerate(lines):
        key = line.strip()
        if _may_run(key, line):
            near.setdefault(key, []).append(any(abs(i - p) <= 2 for p in pages))
    running = {key for key, flags in near.items() if len(flags) >= 3 and all(flags)}
    return ["" if ln.strip() in running else ln for ln in lines]


def _may_run(key: str, line: str) -> bool:
    """Whether a line can be a running header: short, not numbered, not a page number and
    not a table's header row (which repeats on every page but is read with the table)."""
    if not key or len(key) > 40 or "\t" in line or key.startswith("序号"):
        return False
    return not _is_page_number(line) and numbering(key) is None


def _is_page_number(line: str) -> bool:
    stripped = line.strip()
    if not stripped or not PAGE_NUMBER.match(stripped):
        return False
    return bool(re.search(r"[—–\-－_~页]", stripped))


def numbering(text: str) -> tuple[int, str, str] | None:
    """(level, token, rest) when ``text`` starts with a numbering token."""
    for level, pattern in NUMBERING:
        m = pattern.match(text)
        if m:
            token = m.group(0).rstrip("、.．") if level >= 2 else m.group(0).rstrip("、")
            if level == 2:
                token = m.group(1)
            return level, token, text[m.end() :].lstrip()
    return None


def cn_number(token: str) -> int:
    """Value of a numbering token: "十二" -> 12, "（3）" -> 3, "⑤" -> 5."""
    core = token.strip("（）、.． ")
    if core.isdigit():
        return int(core)
    if len(core) == 1 and "①" <= core <= "⑳":
        return ord(core) - ord("①") + 1
    digits = dict(zip("零〇一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
    total, current = 0, 0
    for ch in core:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = digits.get(ch, 0)
    return total + current


_CANON = str.maketrans(
    {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "[": "〔", "]": "〕"}
)
_SKIPPED = set(" \t\n\r\u3000\xa0*#")


@lru_cache(maxsize=8)
def _squeezed(raw: str) -> tuple[str, tuple[int, ...]]:
    """``raw`` without whitespace/markdown markers, punctuation canonicalised, with the raw
    index of every kept character."""
    keep = [(i, ch) for i, ch in enumerate(raw) if ch not in _SKIPPED]
    text = "".join(ch for _, ch in keep).translate(_CANON)
    return text, tuple(i for i, _ in keep)


def find_quote(raw: str, snippet: str, *, limit: int = 60) -> str:
    """The exact substring of ``raw`` that ``snippet`` was normalised from (≤ ``limit``);
    the snippet itself when it cannot be found."""
    text, index = _squeezed(raw)
    key = "".join(ch for ch in snippet if ch not in _SKIPPED).translate(_CANON)[:limit]
    while key:
        pos = text.find(key)
        if pos < 0:
            return snippet.strip()[:limit]
        start, end = index[pos], index[pos + len(key) - 1] + 1
        if end - start <= limit:
            return raw[start:end]
        key = key[: len(key) - (end - start - limit)]
    return snippet.strip()[:limit]


UNIT_START = re.compile(r"^（?(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|主责单位)")
TERMINAL = "。！？；：…"


def join_paragraphs(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs.

    Blank lines are ignored (page breaks put them inside paragraphs); a break is kept before
    numbered headings, unit labels and attachment markers, after headings, and after lines
    that end a sentence while being visibly shorter than a full line.
    """
    body = [ln for ln in lines if ln]
    if not body:
        return []
    width = _typical_width(body)
    wrapped = width <= 60
    paragraphs = [[body[0]]]
    for line in body[1:]:
        if _continues(paragraphs[-1], line, width=width, wrapped=wrapped):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return ["".join(p) for p in paragraphs]


def _open_bracket(text: str) -> bool:
    depth = 0
    for ch in text:
        depth = depth + 1 if ch == "（" else max(depth - 1, 0) if ch == "）" else depth
    return depth > 0


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(ln) for ln in lines if len(ln) > 8)
    return lengths[int(len(lengths) * 0.75)] if lengths else 80


def _continues(para: list[str], line: str, *, width: int, wrapped: bool) -> bool:
    prev = para[-1]
    if "\t" in prev or "\t" in line:
        return False
    if prev.endswith(("（", "、", "，")) or line.startswith(("）", "、", "，", "。")):
        return True
    if _open_bracket("".join(para)[-80:]):
        return True
    if numbering(line) or UNIT_START.match(line) or line.startswith("附件"):
        return False
    if len(para) == 1 and numbering(prev) and not re.search(r"[。；！？]", prev):
        return wrapped and len(prev) >= width * 0.85
    if prev.endswith("）") and re.search(r"（[^（）]*(牵头|配合|负责|责任单位)[^（）]*）$", prev):
        return False
    if prev[-1] in TERMINAL or prev.endswith(("。”", "。）")):
        return wrapped and len(prev) >= width - 1
    return True
