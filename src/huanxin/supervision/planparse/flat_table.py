"""Task tables flattened to text by a PDF viewer or extractor: rebuilding their rows.

A table copied out of a PDF reaches the importer as lines in which every cell is wrapped and
the columns interleave: ``1 推动工业领域设 执行制造业…设备更 县工信局、县能源局牵`` then
``备更新升级 新的方案政策。明确… 头，县市场监管局…``. Owns: finding such a table (a 序号
header whose column names are separated by spaces), cutting it into rows at consecutive serial
numbers, and giving every fragment of every line a column — by column order (a cell's lines
are consecutive, so a column that skips a line has ended) and by what each column holds (unit
names …局/…委/…办 and 牵头/配合 in unit columns, dates in 时限 columns) — choosing the
reading that fits the whole row best. Rows come out tab-separated, as a real table's rows do;
a row with no unit text keeps the cell above (a merged cell).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from huanxin.supervision.planparse.units import UNIT_PREFIX, UNIT_SUFFIX, looks_like_unit

HEADER_WORD = re.compile(r"(任务|工作|目标|措施|单位|分工|部门|时限|内容|事项|领域|举措|责任)")
UNIT_COLUMN = re.compile(r"(单位|部门|分工|责任)")
TIME_COLUMN = re.compile(r"(时限|时间|进度|期限)")
END = re.compile(r"^(附件|抄送|印发|主题词)|\d{4}年\d{1,2}月\d{1,2}日印发$")
CHAPTER = re.compile(r"^[一二三四五六七八九十]{1,3}、")
ROLE = r"(按照职责分工负责|按职责分工负责|牵头负责|牵头|配合|负责|参与|协办|协助|落实)"
ROLE_TAIL = re.compile(ROLE + "$")
TIMEISH = re.compile(r"(\d{4}|年|月|底|前|长期|持续|常态|每年|季度|完成)")
PAGE = re.compile(r"^[\s—–\-－_~]*(第\s*)?\d{1,4}\s*(页)?(\s*[/共]\s*\d+\s*页?)?[\s—–\-－_~]*$")
STRONG_SUFFIX = re.compile(r"(局|委|办|中心|公司|政府|厅|集团|单位|部门|大队|支队)$")
CLOSED_PENALTY = 3.0
NO_COLUMN_PENALTY = 10.0


def rebuild(lines: list[str]) -> list[str]:
    """``lines`` with every flattened task table replaced by tab-separated rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = _header(lines[i])
        if header is None:
            out.append(lines[i])
            i += 1
            continue
        end = _table_end(lines, i + 1)
        out.append("\t".join(header))
        out += _table(header, lines[i + 1 : end])
        i = end
    return out


def _header(line: str) -> list[str] | None:
    if "\t" in line:
        return None
    tokens = line.replace("\u3000", " ").split()
    if len(tokens) < 3 or tokens[0] != "序号" or any(len(t) > 10 for t in tokens):
        return None
    return tokens if sum(bool(HEADER_WORD.search(t)) for t in tokens[1:]) >= 2 else None


def _table_end(lines: list[str], start: int) -> int:
    for j in range(start, len(lines)):
        text = lines[j].strip().replace("*", "")
        if END.search(text) or "\t" in lines[j] or (CHAPTER.match(text) and not _section(lines, j)):
            return j
    return len(lines)


def _section(lines: list[str], j: int) -> bool:
    """A chapter title spanning the table ("二、消费品以旧换新"), before the next row."""
    text = lines[j].strip()
    if not CHAPTER.match(text) or len(text) > 40 or "。" in text:
        return False
    following = next((ln.strip() for ln in lines[j + 1 : j + 4] if ln.strip()), "")
    return bool(re.match(r"^\d{1,3}(\s|$)", following))


def _table(header: list[str], lines: list[str]) -> list[str]:
    kinds = [_kind(name) for name in header]
    out: list[str] = []
    previous: list[str] = [""] * len(header)
    for serial, block in _blocks(header, lines):
        if not serial:  # a line outside any row: before the first, or a section title
            out.append(block[0][0])
            continue
        cells = [serial, *_assign(kinds[1:], block)]
        if not any(cells[c] for c, kind in enumerate(kinds) if kind == "units"):
            cells = [previous[c] if kind == "units" else cells[c] for c, kind in enumerate(kinds)]
        previous = cells
        out.append("\t".join(cells))
    return out


def _kind(name: str) -> str:
    if name == "序号":
        return "serial"
    if UNIT_COLUMN.search(name):
        return "units"
    return "time" if TIME_COLUMN.search(name) else "text"


def _blocks(header: list[str], lines: list[str]) -> list[tuple[str, list[list[str]]]]:
    """Rows as (serial, fragments of each line); a line outside any row as ("", [[line]])."""
    squeezed_header = "".join(header)
    furniture = _page_furniture(lines)
    blocks: list[tuple[str, list[list[str]]]] = []
    last: int | None = None  # serial of the last row
    after_section = False
    for j, line in enumerate(lines):
        text = line.strip()
        if not text or PAGE.match(text) or text in furniture:
            continue
        if re.sub(r"\s", "", text) == squeezed_header:
            continue
        tokens = _fragments(text)
        if _row_start(tokens[0], last, after_section=after_section):
            blocks.append((tokens[0], [tokens[1:]]))
            last, after_section = int(tokens[0]), False
        elif _section(lines, j) or last is None or not blocks[-1][0]:
            after_section = after_section or _section(lines, j)
            blocks.append(("", [[text]]))
        else:
            blocks[-1][1].append(tokens)
    return blocks


def _page_furniture(lines: list[str]) -> set[str]:
    """Running headers/footers inside the table: a line without spaces found next to a page
    number at two page breaks or more."""
    pages = [j for j, ln in enumerate(lines) if ln.strip() and PAGE.match(ln.strip())]
    near: dict[str, int] = {}
    for p in pages:
        for ln in {x.strip() for x in lines[max(p - 2, 0) : p + 3]}:
            if ln and " " not in ln and not PAGE.match(ln):
                near[ln] = near.get(ln, 0) + 1
    return {ln for ln, n in near.items() if n >= 2 and len(ln) <= 40}


def _row_start(token: str, last: int | None, *, after_section: bool) -> bool:
    """The next serial number (numbering may start again at 1 under a section title)."""
    if not token.isdigit():
        return False
    number = int(token)
    if last is None:
        return number <= 3
    return number == last + 1 or (after_section and number == 1)


def _fragments(text: str) -> list[str]:
    """Space-separated pieces; a piece of only ASCII letters/digits (``20``, ``5G``) stays
    with the piece before it (spaces inside a cell, as in ``超过 20 年``)."""
    out: list[str] = []
    for token in text.split():
        after_serial = len(out) == 1 and out[0].isdigit()
        if out and not after_serial and re.fullmatch(r"[A-Za-z0-9.%+\-/]+", token):
            out[-1] += " " + token
        else:
            out.append(token)
    return out


@dataclass
class _Path:
    score: float
    cells: list[list[str]] = field(default_factory=list)


def _assign(kinds: list[str], block: list[list[str]]) -> list[str]:
    """The best column for every fragment of the row (Viterbi over the set of open columns)."""
    n = len(kinds)
    best: dict[frozenset[int], _Path] = {frozenset(range(n)): _Path(0.0, [[] for _ in kinds])}
    for line in block:
        if not line:
            continue
        step: dict[frozenset[int], _Path] = {}
        for open_cols, path in best.items():
            for used, groups, gain in _options(kinds, sorted(open_cols), line):
                score = path.score + gain - _closing(kinds, path.cells, open_cols - used)
                if used not in step or score > step[used].score:
                    cells = [list(c) for c in path.cells]
                    for col, group in zip(sorted(used), groups, strict=True):
                        cells[col] += group
                    step[used] = _Path(score, cells)
        best = step or best
    final = max(best.items(), key=lambda kv: kv[1].score - _closing(kinds, kv[1].cells, kv[0]))
    return [_join(cell) for cell in final[1].cells]


def _options(
    kinds: list[str], open_cols: list[int], line: list[str]
) -> Iterator[tuple[frozenset[int], list[list[str]], float]]:
    """Every order-keeping way to give the line's fragments to open columns, with its fit."""
    columns = open_cols or list(range(len(kinds)))
    penalty = 0.0 if open_cols else NO_COLUMN_PENALTY
    k = len(line)
    for m in range(1, min(k, len(columns)) + 1):
        for chosen in combinations(columns, m):
            for cuts in combinations(range(1, k), m - 1):
                bounds = [0, *cuts, k]
                groups = [line[bounds[j] : bounds[j + 1]] for j in range(m)]
                gain = sum(_fit(kinds[c], tuple(g), c) for c, g in zip(chosen, groups, strict=True))
                yield frozenset(chosen), groups, gain - penalty


@lru_cache(maxsize=4096)
def _fit(kind: str, group: tuple[str, ...], column: int) -> float:
    text = "".join(group)
    joined = -1.0 * (len(group) - 1)
    if kind == "units":  # on a tie the left one (牵头): an empty 配合 cell is the common case
        return joined + (2.0 if unitish(text) else -4.0) - 0.01 * column
    if kind == "time":
        return joined + (2.0 if TIMEISH.search(text) and len(text) <= 16 else -2.0)
    return joined + (0.0 if unitish(text) else 0.3) + 0.01 * column


def _closing(kinds: list[str], cells: list[list[str]], closed: frozenset[int]) -> float:
    """A unit column may only end after a whole unit name or a role word."""
    penalty = 0.0
    for col in closed:
        if kinds[col] == "units" and cells[col] and not _complete("".join(cells[col])):
            penalty += CLOSED_PENALTY
    return penalty


def _complete(text: str) -> bool:
    text = text.rstrip("。；;，, ")
    if text.count("<") > text.count(">") or text.count("（") > text.count("）"):
        return False
    return bool(ROLE_TAIL.search(text) or UNIT_SUFFIX.search(text) or text.endswith(("）", ">")))


def unitish(text: str) -> bool:
    """Whether a fragment can be a piece of a unit cell: whole unit names inside, the tail of
    a name (…局配合) first and the head of one (县市场) last, role words anywhere."""
    text = text.strip()
    if not text or re.search(r"[。；：“”《》！？]", text.rstrip("。")):
        return False
    if text.endswith("。") and not ROLE_TAIL.search(text.rstrip("。")):
        return False
    parts = [p for p in re.split(r"[、，,；;]", text.rstrip("。")) if p]
    for j, part in enumerate(parts):
        core = ROLE_TAIL.sub("", part)
        if not core or re.fullmatch(ROLE, part) or re.fullmatch(r"[头合责与办助实]", core):
            continue
        first, last = j == 0, j == len(parts) - 1
        if not (first or last) and not looks_like_unit(core):
            return False
        if first and not _tail_of_unit(core, alone=last):
            return False
        if last and not first and not (_head_of_unit(core) or looks_like_unit(core)):
            return False
    return True


def _tail_of_unit(core: str, *, alone: bool) -> bool:
    """The end of a unit name (…监管局, …沁水分局); alone on its line, a long piece must also
    start like one (县…/市…/国网…), so a task title ending in 行 is not a bank."""
    prefixed = bool(UNIT_PREFIX.match(core))
    if core.endswith(("）", ">")) or STRONG_SUFFIX.search(core):
        return True
    if UNIT_SUFFIX.search(core) and (not alone or prefixed or len(core) <= 6):
        return True
    return alone and (len(core) <= 3 or (prefixed and len(core) <= 16))


def _head_of_unit(core: str) -> bool:
    return len(core) <= 4 or (bool(UNIT_PREFIX.match(core)) and len(core) <= 16)


def _join(fragments: list[str]) -> str:
    text = " ".join(fragments)
    return re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", text)
