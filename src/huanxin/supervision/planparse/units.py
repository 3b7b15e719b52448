"""Responsible units: finding unit groups in task text and splitting them into roles.

Owns the conventions of seeds/gold/README.md: labelled groups (牵头单位 → lead; 配合单位 /
责任单位 → support), role verbs (X、Y按照职责分工负责 → lead + shared; X负责 → lead; X牵头，Y配合),
and splitting unit lists on 、，,；; but never inside brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABEL = re.compile(
    r"(牵头单位|牵头部门|主责单位|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|协同单位)\s*[：:]?"
)
LEAD_LABELS = ("牵头", "主责")
OPEN, CLOSE = "（<〈《［【", "）>〉》］】"
UNIT_SUFFIX = re.compile(
    r"(局|委|办|厅|部|院|府|会|中心|公司|社|队|行|所|站|处|科|室|集团|单位|部门|组|馆|台|团|联|协会|法院|检察院)$"
)
UNIT_PREFIX = re.compile(
    r"^(各|省|市|县|区|州|盟|旗|乡|镇|国家|国网|中国|人行|团|驻|自治|[\u4e00-\u9fff]{1,4}(省|市|县|区))"
)
SKIP_CLAUSE = re.compile(r"^(以下|不再|均需|其中|同时|并|另)")
SHARED = re.compile(r"(按照|按)职责(分工)?负责$")
SUPPORT_VERB = re.compile(r"(配合|参与|协助|协同|协办)$")
LEAD_VERB = re.compile(r"(牵头负责|牵头|负责)$")


@dataclass
class Units:
    """Units found for one task; ``leftovers`` are fragments that were not units."""

    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    shared: bool = False
    leftovers: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lead or self.support)

    def merge(self, other: Units) -> None:
        self.lead += [u for u in other.lead if u not in self.lead]
        self.support += [u for u in other.support if u not in self.support and u not in self.lead]
        self.shared = self.shared or other.shared
        self.leftovers += other.leftovers


def split_top(text: str, seps: str) -> list[str]:
    """Split on any char of ``seps`` outside brackets; empty parts dropped."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(depth - 1, 0)
        if ch in seps and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def looks_like_unit(name: str) -> bool:
    name = name.strip()
    if not 2 <= len(name) <= 45 or re.search(r"[。；：“”]", name):
        return False
    return bool(UNIT_SUFFIX.search(name) or UNIT_PREFIX.search(name))


def unit_names(text: str) -> list[str]:
    names = [re.sub(r"(等(单位|部门)?)$", "", n).strip() for n in split_top(text, "、，,；;")]
    return [n for n in names if n]


def parse_units(content: str) -> Units:
    """Parse the inside of a unit group (without its brackets)."""
    content = content.strip().strip("。")
    if LABEL.search(content):
        return _parse_labelled(content)
    return _parse_verbs(content)


def _parse_labelled(content: str) -> Units:
    units = Units()
    pieces = LABEL.split(content)
    if pieces[0].strip("，,；; "):
        units.leftovers.append(pieces[0].strip())
    for label, body in zip(pieces[1::2], pieces[2::2], strict=True):
        names = unit_names(body.strip().strip("。"))
        target = units.lead if label.startswith(LEAD_LABELS) else units.support
        target += [n for n in names if n not in target]
    return units


def _parse_verbs(content: str) -> Units:
    units, pending = Units(), []
    for clause in split_top(content, "，,；;。"):
        if SKIP_CLAUSE.match(clause):
            units.leftovers.append(clause)
            continue
        role, names = _clause_role(clause)
        pending += names
        if role is None:
            continue
        if role == "shared":
            units.shared = True
        target = (
            units.support if role == "support" or (role == "落实" and units.lead) else units.lead
        )
        target += [n for n in pending if n not in target]
        pending = []
    if pending:
        units.lead += [n for n in pending if n not in units.lead]
    return units


def _clause_role(clause: str) -> tuple[str | None, list[str]]:
    for pattern, role in ((SHARED, "shared"), (re.compile("负责落实$"), "落实")):
        m = pattern.search(clause)
        if m:
            return role, unit_names(clause[: m.start()])
    for pattern, role in ((SUPPORT_VERB, "support"), (LEAD_VERB, "lead")):
        m = pattern.search(clause)
        if m:
            return role, unit_names(clause[: m.start()])
    names = unit_names(clause)
    return None, [n for n in names if looks_like_unit(n)]


def is_unit_group(content: str) -> bool:
    """Whether a bracket group's content names responsible units."""
    content = content.strip()
    if LABEL.search(content):
        return True
    if re.search(r"(牵头|配合|负责)", content):
        parsed = _parse_verbs(content)
        return bool(parsed) and all(looks_like_unit(u) for u in parsed.lead + parsed.support)
    names = unit_names(content)
    return bool(names) and all(looks_like_unit(n) and UNIT_SUFFIX.search(n) for n in names)


def find_groups(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of unit groups in a paragraph: bracketed or a trailing label."""
    groups: list[tuple[int, int, str]] = []
    for start, end in _bracket_spans(text):
        inner = text[start + 1 : end - 1] if text[end - 1] == "）" else text[start + 1 : end]
        if is_unit_group(inner) and _at_group_position(text, start, end, inner):
            groups.append((start, end, inner))
    covered = {i for s, e, _ in groups for i in range(s, e)}
    for m in LABEL.finditer(text):
        if m.start() not in covered and (m.start() == 0 or text[m.start() - 1] in "。；;，\t"):
            groups.append((m.start(), len(text), text[m.start() :].rstrip("）。")))
            break
    return sorted(groups)


def _at_group_position(text: str, start: int, end: int, inner: str) -> bool:
    if LABEL.search(inner) or re.search(r"(职责分工|负责|牵头)", inner):
        return True
    before = text[:start].rstrip()
    return end >= len(text.rstrip("。 ")) or not before or before[-1] in "。；"


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch == "（":
            stack.append(i)
        elif ch == "）" and stack:
            start = stack.pop()
            if not stack:
                spans.append((start, i + 1))
    if stack and len(text) - stack[0] <= 120:  # closing bracket lost (OCR), at the very end
        spans.append((stack[0], len(text)))
    return spans
