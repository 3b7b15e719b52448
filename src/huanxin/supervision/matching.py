"""Matching unit names as written in plans to a jurisdiction's department directory.

Order: the exact department name, then an exact alias, then a fuzzy score. Names are compared
after normalisation: the jurisdiction's own name is replaced by its level word (沁水县 → 县),
brackets and spaces are removed, and common long forms are abbreviated the way plans write
them (工业和信息化局 → 工信局, 发展和改革局 → 发改局 ...). A bracketed double name such as
``县工信局<县商务局>`` also matches on each of its parts. The fuzzy score is difflib's
``SequenceMatcher.ratio`` on the normalised names, in percent; a proposal needs at least
``FUZZY_THRESHOLD`` (80). Every proposal is only a proposal: an office user confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

FUZZY_THRESHOLD = 80

ABBREVIATIONS: list[tuple[str, str]] = [
    ("工业和信息化", "工信"),
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展改革委", "发改委"),
    ("发展和改革", "发改"),
    ("住房和城乡建设", "住建"),
    ("市场监督管理", "市场监管"),
    ("卫生健康委员会", "卫健委"),
    ("卫生健康", "卫健"),
    ("文化和旅游", "文旅"),
    ("自然资源和规划", "自然资源"),
    ("规划和自然资源", "自然资源"),
    ("交通运输", "交通"),
    ("教育和体育", "教体"),
    ("商务和投资促进", "商务"),
    ("人力资源和社会保障", "人社"),
    ("生态环境", "生态环境"),
    ("行政审批服务", "审批"),
    ("行政审批管理", "审批"),
    ("人民政府", "政府"),
]
_BRACKETS = re.compile(r"[<＜《〈（(](.*?)[>＞》〉）)]")
_SPACE_PUNCT = re.compile(r"[\s·•、，,;；]")


@dataclass(frozen=True)
class Candidate:
    """A department of the directory: its id, name and aliases."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    department_id: int | None
    method: str  # exact | alias | fuzzy | none
    score: int


def normalise(name: str, *, place: str = "", level_word: str = "") -> str:
    text = _SPACE_PUNCT.sub("", name)
    if place and level_word and text.startswith(place):
        text = level_word + text[len(place) :]
    text = _BRACKETS.sub("", text)
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def parts(name: str) -> list[str]:
    """The name, the name without its bracket, and each bracketed name."""
    inner = _BRACKETS.findall(name)
    outer = _BRACKETS.sub("", name).strip()
    return [p for p in [name, outer, *inner] if p]


def match(
    unit: str, candidates: Iterable[Candidate], *, place: str = "", level_word: str = ""
) -> Proposal:
    pool = list(candidates)
    for dept in pool:
        if unit == dept.name:
            return Proposal(dept.id, "exact", 100)
    for dept in pool:
        if any(p in dept.aliases for p in parts(unit)):
            return Proposal(dept.id, "alias", 100)
    return _fuzzy(unit, pool, place=place, level_word=level_word)


def _fuzzy(unit: str, pool: list[Candidate], *, place: str, level_word: str) -> Proposal:
    best: tuple[int, int] | None = None
    wanted = {normalise(p, place=place, level_word=level_word) for p in parts(unit)}
    for dept in pool:
        names = [dept.name, *dept.aliases]
        known = {normalise(n, place=place, level_word=level_word) for n in names}
        score = max(_ratio(a, b) for a in wanted for b in known)
        if best is None or score > best[0]:
            best = (score, dept.id)
    if best is not None and best[0] >= FUZZY_THRESHOLD:
        return Proposal(best[1], "fuzzy", best[0])
    return Proposal(None, "none", best[0] if best else 0)


def _ratio(a: str, b: str) -> int:
    return round(SequenceMatcher(None, a, b).ratio() * 100)
