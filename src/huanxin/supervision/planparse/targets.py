"""Quantitative targets and dated milestones in plan text.

Owns: year scope (a 到YYYY年 prefix holds until the next year marker in the same section;
每年 makes a sentence annual, year null; a bare "2024年，…" dates only its clause), baselines
(较/比/与YYYY年), the target kinds of seeds/gold/README.md (count, reach, increase_pct,
increase_pp, multiple, ratio) and milestones (a year, no quantity, a completion verb).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = r"\d+(?:\.\d+)?"
COUNT_UNITS = "台（套）|台套|家|个|台|套|户|场|项|路|所|处|亩|座|条|支|批|名|人次|部|栋|间|辆"
REACH_UNITS = "万亿元|亿元|万元|万吨|吨|万辆|万千瓦|千瓦|公里|万平方米|平方米|立方米|万人次|万人"
TO_YEAR = re.compile(r"(?:力争|争取)?(?:到|至|截至)(\d{4})年(?:底|末|前)?")
BARE_YEAR = re.compile(r"^(?:力争|争取|在)?(\d{4})年(?:底|末|前)?(?!版|度)")
INLINE_YEAR = re.compile(r"力争(\d{4})年(?:底|末|前)?")
BASELINE = re.compile(r"(?:较|比|与|同)(\d{4})年(?:底|末)?(?:相比|比)?")
UNIT_ANY = rf"[%％]|{COUNT_UNITS}|{REACH_UNITS}"
PATTERNS = (
    ("pp", re.compile(rf"((?:{NUM}个?[、和及])*{NUM})个?百分点")),
    ("range", re.compile(rf"({NUM})(?:{UNIT_ANY})?[—–\-~～至到]({NUM})({UNIT_ANY})")),
    (
        "list",
        re.compile(
            rf"((?:{NUM}(?:{COUNT_UNITS}|{REACH_UNITS})?[、和及])+{NUM})({COUNT_UNITS}|{REACH_UNITS})(?!百分点)"
        ),
    ),
    (
        "multiple",
        re.compile(r"(?:增加|增长|提高|提升|扩大)(?:约|近|超过)?(一|两|二|三|四|五|\d+)倍"),
    ),
    ("double", re.compile(r"翻(一|两)番")),
    ("ratio", re.compile(rf"({NUM})[：:]1(?!\d)")),
    ("pct", re.compile(rf"((?:{NUM}%?[、和及])*{NUM})[%％]")),
    ("reach", re.compile(rf"({NUM})({REACH_UNITS})")),
    ("count", re.compile(rf"({NUM})({COUNT_UNITS})")),
)
CN_DIGIT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
COMPARATOR = r"(分别|累计)?(稳步|力争|约|近)?(达到|达|超过|突破|不低于|不少于|至少|保持在|提高到|提升到|增至|增加到|完成)?(约|近)?"
INCREASE = re.compile(r"(增长|增加|提高|提升|上升)(了)?(约|近|超过)?$")
DECREASE = re.compile(r"(下降|降低|减少|压减)(了)?(约|近|超过)?$")
REACH_VERB = re.compile(
    r"(达到|达|超过|突破|不低于|不少于|至少|保持在|提高到|提升到|增至|增加到)(约|近)?$"
)
EXCLUDE_COUNT = re.compile(r"(下设|对应|分为|包括|涉及|补助|补贴|奖励|第)")
DIRECTION = re.compile(
    r"(显著|持续|大幅|稳步|逐步|不断|进一步|明显|有效|逐年|稳定)(提升|提高|增强|改善|增加|扩大|下降|降低|优化|增长)$"
)
DONE_VERB = re.compile(r"(完成|建成|实现|淘汰|达标|达到|形成|覆盖|全面|基本)")
DATED_VERB = re.compile(
    r"(完成|建成|实现|淘汰|达标|达到|形成|覆盖|建设|建立|购买|出台|印发|启动|投用|投运|开工|竣工|上线|全部|基本)"
)
ACTION_START = re.compile(
    r"^(支持|鼓励|推动|加快|推进|加强|引导|积极|持续|深化|开展|组织|完善|强化|提升|提高|探索|落实|严格|大力|着力|优化|发挥|培育|推广|扩大|依托|围绕|聚焦|坚持|统筹|按照|结合|充分|不断|进一步|切实|将|对|以|在)"
)
LEAD_FILLER = re.compile(r"^(其中|力争|争取|同时|并|加大|加快|推动|推进)")


Record = dict[str, object]


@dataclass
class Quantity:
    kind: str
    values: list[float]
    unit: str | None
    start: int
    end: int
    upper: float | None = None  # a range's upper end ("80%—90%")
    qualifier: str | None = None  # 以上 / 左右 / 以内 … after the value


def extract(paragraphs: list[str]) -> tuple[list[Record], list[Record]]:
    """(targets, milestones) of one section's paragraphs; quotes are normalised text."""
    targets: list[Record] = []
    milestones: list[Record] = []
    state: dict[str, int | None] = {"year_to": None}
    for para in paragraphs:
        for sentence in re.split(r"(?<=[。！？])", para):
            if sentence.strip():
                _sentence(sentence, state, targets, milestones)
    return targets, milestones


def split_clauses(sentence: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in sentence:
        depth += ch in "（“《"
        depth -= ch in "）”》" and depth > 0
        if ch in "，；,;。！？" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    merged: list[str] = []
    for part in (p.strip() for p in parts):
        if merged and re.fullmatch(r"(?:力争|争取)?(?:到|至)?\d{4}年(?:底|末|前)?", merged[-1]):
            merged[-1] += "，" + part
        elif part:
            merged.append(part)
    return merged


def _sentence(
    sentence: str, state: dict[str, int | None], targets: list[Record], milestones: list[Record]
) -> None:
    clauses = split_clauses(sentence)
    annual, baseline = False, None
    used: set[int] = set()
    dated: list[tuple[int, int | None, bool]] = []
    for i, clause in enumerate(clauses):
        explicit = _clause_year(clause, state)
        annual = annual or "每年" in clause
        m = BASELINE.search(clause)
        baseline = int(m.group(1)) if m else baseline
        year = None if annual else (explicit or state["year_to"])
        dated.append((i, year, explicit is not None))
        prev_end = 0
        for quantity in quantities(clause):
            names = _indicators(quantity, clause[prev_end:], clauses[:i], used, i, prev_end)
            prev_end = quantity.end
            for value, name in zip(quantity.values, names, strict=True):
                targets.append(_target(quantity, value, name, clause, year, baseline))
            used.add(i)
    for i, year, explicit in dated:
        if i not in used and year is not None:
            milestone = _milestone(clauses[i], explicit=explicit)
            if milestone:
                milestones.append(
                    _record(milestone, "deadline", None, None, year, None, clauses[i])
                )


def _clause_year(clause: str, state: dict[str, int | None]) -> int | None:
    m = TO_YEAR.search(clause)
    if m:
        state["year_to"] = int(m.group(1))
        return int(m.group(1))
    m = BARE_YEAR.match(clause) or INLINE_YEAR.search(clause)
    return int(m.group(1)) if m else None


def quantities(clause: str) -> list[Quantity]:
    masked = re.sub(r"《[^》]*》|“[^”]*”|\d{4}年", lambda m: "□" * len(m.group(0)), clause)
    found: list[Quantity] = []
    taken: set[int] = set()
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(masked):
            if taken & set(range(m.start(), m.end())):
                continue
            q = _quantity(kind, m, masked)
            if q is not None:
                q.qualifier = _qualifier(masked[m.end() :])
                found.append(q)
                taken |= set(range(m.start(), m.end()))
    return sorted(found, key=lambda q: q.start)


def _qualifier(after: str) -> str | None:
    m = re.match(r"(以上|左右|以内|以下|上下|多|余)", after)
    return m.group(1) if m else None


def _quantity(kind: str, m: re.Match[str], text: str) -> Quantity | None:
    if kind == "range":
        return _range(m, text)
    before = text[: m.start()]
    numbers = [float(x) for x in re.findall(NUM, m.group(1))]
    if kind == "list":
        numbers = [float(x) for x in re.findall(NUM, re.sub(UNIT_ANY, " ", m.group(1)))]
        kind = "reach" if re.fullmatch(REACH_UNITS, m.group(2)) else "count"
        return _measured(kind, numbers, m.group(2), before, m, text)
    if kind == "pp":
        verb = "decrease_pp" if DECREASE.search(before.rstrip("分别")) else "increase_pp"
        return Quantity(verb, numbers, "pp", m.start(), m.end())
    if kind in {"multiple", "double"}:
        n = CN_DIGIT.get(m.group(1)) or float(m.group(1))
        value = float(n) + 1 if kind == "multiple" else 2.0 ** float(n)
        return Quantity("multiple", [value], None, m.start(), m.end())
    if kind == "ratio":
        return Quantity("ratio", numbers, None, m.start(), m.end())
    if kind == "pct":
        stem = re.sub(r"(分别|累计|稳步|力争)$", "", before)
        name = "increase_pct" if INCREASE.search(stem) else "reach"
        name = "decrease_pct" if DECREASE.search(stem) else name
        return Quantity(name, numbers, "%", m.start(), m.end())
    return _measured(kind, numbers, m.group(2), before, m, text)


def _range(m: re.Match[str], text: str) -> Quantity | None:
    """ "80%—90%", "50—60个": one target, the lower end as its value."""
    low, high, unit = float(m.group(1)), float(m.group(2)), m.group(3)
    if high <= low:
        return None
    if unit in "%％":
        before = re.sub(r"(分别|累计|稳步|力争)$", "", text[: m.start()])
        name = "increase_pct" if INCREASE.search(before) else "reach"
        q = Quantity(name, [low], "%", m.start(), m.end())
    else:
        kind = "reach" if re.fullmatch(REACH_UNITS, unit) else "count"
        found = _measured(kind, [low], unit, text[: m.start()], m, text)
        if found is None:
            return None
        q = found
    q.upper = high
    return q


def _measured(
    kind: str, numbers: list[float], unit: str, before: str, m: re.Match[str], text: str
) -> Quantity | None:
    """A value with a counting or measuring unit, unless the context says it is no target."""
    if kind == "reach" or (unit == "辆" and "量" in before):
        if not REACH_VERB.search(re.sub(r"(分别|累计|稳步|力争)$", "", before)):
            return None
        return Quantity("reach", numbers, unit, m.start(), m.end())
    if EXCLUDE_COUNT.search(before[-6:]) or re.match(
        r"(工作任务|方面|大行动|领域|环节)", text[m.end() :]
    ):
        return None
    return Quantity("count", numbers, unit, m.start(), m.end())


def _indicators(
    q: Quantity, segment: str, previous: list[str], used: set[int], index: int, offset: int
) -> list[str]:
    start, end = q.start - offset, q.end - offset
    prefix = _clean_prefix(segment[:start].lstrip("）、"))
    suffix = re.sub(r"^(以上|左右|以内|以下|上下)", "", segment[end:].lstrip("）")).lstrip("）")
    suffix = suffix.split("、")[0] if q.kind == "count" else ""
    n = len(q.values)
    if n == 1:
        name = _strip_filler(prefix + suffix)
        return [name if _cjk_len(name) >= 4 else _fallback(previous, name)]
    items = [i for i in re.split(r"、", prefix) if i]
    if len(items) != n:
        items = [i for i in re.split(r"[、和及与]", prefix) if i]
    if len(items) == n:
        return items
    if not prefix and len(previous) >= n:
        used.update(range(index - n, index))
        return [_clean_prefix(DIRECTION.sub("", p)) for p in previous[-n:]]
    return [prefix] * n


def _clean_prefix(text: str) -> str:
    text = BASELINE.sub("", TO_YEAR.sub("", text))
    text = re.sub(r"^(?:力争|争取|在)?\d{4}年(?:底|末|前)?", "", text)
    text = INLINE_YEAR.sub("", text)
    text = re.sub(r"（$", "", text)
    for pattern in (INCREASE, DECREASE):
        text = pattern.sub("", text)
    text = re.sub(COMPARATOR + "$", "", text)
    return re.sub(r"等$", "", text).strip("，、 ")


def _strip_filler(name: str) -> str:
    stripped = LEAD_FILLER.sub("", name)
    return stripped if _cjk_len(stripped) >= 4 else name


def _fallback(previous: list[str], name: str) -> str:
    if not previous:
        return name
    first = re.sub(r"^(鼓励|支持|推动|引导)", "", previous[0])
    return first.replace("开展", "") or name


def _cjk_len(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def _milestone(clause: str, *, explicit: bool) -> str | None:
    text = TO_YEAR.sub("", clause)
    text = re.sub(r"^(?:力争|争取|在)?\d{4}年(?:底|末|前)?", "", text).strip("，、 ")
    text = INLINE_YEAR.sub("", text).strip("，、 ")
    if _cjk_len(text) < 4 or DIRECTION.search(text):
        return None
    if explicit and DATED_VERB.search(text):
        return _shorten(text)
    if not explicit and DONE_VERB.search(text) and not ACTION_START.match(text):
        return _shorten(text)
    return None


def _shorten(text: str) -> str:
    """Drop enumerated attributes before the head noun: 建成布局合理、体系完善的X -> 建成X."""
    short = re.sub(r"[^，、的“”]{1,8}(?:、[^，、的“”]{1,8})+的", "", text)
    return short if _cjk_len(short) >= 4 else text


def _target(
    q: Quantity, value: float, name: str, clause: str, year: int | None, baseline: int | None
) -> dict[str, object]:
    with_base = q.kind in {"increase_pct", "decrease_pct", "increase_pp", "decrease_pp", "multiple"}
    number: float | int = int(value) if value == int(value) and q.kind != "multiple" else value
    record = _record(name, q.kind, number, q.unit, year, baseline if with_base else None, clause)
    record["upper"] = q.upper
    record["qualifier"] = q.qualifier
    return record


def _record(
    name: str,
    kind: str,
    value: float | None,
    unit: str | None,
    year: int | None,
    baseline: int | None,
    quote: str,
) -> dict[str, object]:
    return {
        "indicator": name,
        "kind": kind,
        "value": value,
        "unit": unit,
        "year": year,
        "baseline_year": baseline,
        "quote": quote,
    }
