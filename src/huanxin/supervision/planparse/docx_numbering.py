"""Word automatic numbering: the labels ("一、", "（一）", "1.", "（1）", "①") that Word draws
in front of numbered paragraphs but that are not part of the paragraph text.

Owns: reading ``numbering.xml`` (abstract definitions, num instances, start overrides,
numbering linked through styles), following the paragraph's own ``w:numPr`` or its style's
(through ``basedOn``), counting per list and level (a level restarts when a higher level
advances), and formatting the counters (decimal, Chinese counting, circled digits, letters,
roman numerals) into the level's ``lvlText``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN_DIGITS = "零一二三四五六七八九"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # w:lvlRestart: restart after this (1-based) level; None = any higher
    legal: bool  # w:isLgl: show every counter as a decimal number


@dataclass
class Instance:
    abstract_id: str
    overrides: dict[int, int] = field(default_factory=dict)


def _val(el: Any, tag: str) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return None if child is None else child.get(W + "val")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if n <= 0:
        return CN_DIGITS[0]
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        tail = "" if rest == 0 else ("零" if rest < 10 else "") + chinese(rest)
        if 10 <= rest < 20:
            tail = "一" + tail
        return CN_DIGITS[hundreds] + "百" + tail
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("" if tens == 1 else CN_DIGITS[tens]) + "十"
    return head + ("" if ones == 0 else CN_DIGITS[ones])


def _roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """The counter ``n`` drawn in Word's number format ``fmt``."""
    if fmt.startswith(("chineseCounting", "japaneseCounting", "taiwaneseCounting")):
        return chinese(n)
    if fmt in {"ideographTraditional", "ideographZodiac"}:
        return HEAVENLY_STEMS[(n - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(ord("①") + n - 1)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)  # decimal, decimalFullWidth, decimalHalfWidth, and anything unknown


class Numbering:
    """The numbering definitions of one document and the running counters while reading it."""

    def __init__(self, document: Any) -> None:
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}  # abstract id → style id (w:numStyleLink)
        self.instances: dict[str, Instance] = {}
        self.styles: dict[str, Any] = {}
        self.counters: dict[str, dict[int, int]] = {}
        root = _numbering_root(document)
        if root is not None:
            self._read(root)
        styles = _styles_root(document)
        if styles is not None:
            self.styles = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}

    def _read(self, root: Any) -> None:
        for abstract in root.iter(W + "abstractNum"):
            key = abstract.get(W + "abstractNumId")
            levels: dict[int, Level] = {}
            for lvl in abstract.iter(W + "lvl"):
                restart = _val(lvl, "lvlRestart")
                levels[_int(lvl.get(W + "ilvl"), 0)] = Level(
                    start=_int(_val(lvl, "start"), 1),
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    legal=lvl.find(W + "isLgl") is not None,
                    restart=None if restart is None else _int(restart, 0),
                )
            self.abstracts[key] = levels
            link = _val(abstract, "numStyleLink")
            if link:
                self.style_links[key] = link
        for num in root.iter(W + "num"):
            instance = Instance(_val(num, "abstractNumId") or "")
            for override in num.iter(W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    instance.overrides[_int(override.get(W + "ilvl"), 0)] = _int(start, 1)
            self.instances[num.get(W + "numId")] = instance

    def label(self, paragraph: Any) -> str:
        """The drawn label of a ``w:p`` element ("" when it is not numbered), advancing the
        counters of its list."""
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, ilvl = found
        instance = self.instances.get(num_id)
        levels = self._levels(instance)
        if instance is None or not levels or ilvl not in levels:
            return ""
        key = num_id if instance.overrides else instance.abstract_id
        counters = self.counters.setdefault(key, {})
        self._advance(counters, levels, instance, ilvl)
        level = levels[ilvl]
        if level.fmt in {"bullet", "none"} and "%" not in level.text:
            return "" if level.fmt == "bullet" else level.text
        return self._render(level, levels, counters)

    def _levels(self, instance: Instance | None) -> dict[int, Level]:
        if instance is None:
            return {}
        key = instance.abstract_id
        if key in self.style_links:  # numbering defined on a numbering style
            linked = self._style_num_pr(self.style_links[key], depth=0)
            target = self.instances.get(linked[0]) if linked else None
            key = target.abstract_id if target else key
        return self.abstracts.get(key, {})

    @staticmethod
    def _advance(
        counters: dict[int, int], levels: dict[int, Level], instance: Instance, ilvl: int
    ) -> None:
        start = instance.overrides.get(ilvl, levels[ilvl].start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            if _restarts(levels.get(deeper), ilvl):
                del counters[deeper]

    @staticmethod
    def _render(level: Level, levels: dict[int, Level], counters: dict[int, int]) -> str:
        text = level.text
        for i in range(9):
            token = f"%{i + 1}"
            if token in text:
                other = levels.get(i)
                value = counters.get(i, other.start if other else 1)
                fmt = "decimal" if level.legal or other is None else other.fmt
                text = text.replace(token, format_number(value, fmt))
        return text

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        ppr = paragraph.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        from_style = self._style_num_pr(style_id, depth=0) if style_id else None
        if num_pr is None:
            return from_style
        num_id = _val(num_pr, "numId") or (from_style[0] if from_style else None)
        ilvl = _val(num_pr, "ilvl")
        level = _int(ilvl, from_style[1] if from_style else 0)
        if num_id is None or num_id == "0":
            return None
        return num_id, level

    def _style_num_pr(self, style_id: str | None, *, depth: int) -> tuple[str, int] | None:
        style = self.styles.get(style_id) if style_id else None
        if style is None or depth > 10:
            return None
        ppr = style.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            if num_id is None or num_id == "0":
                return None
            return num_id, _int(_val(num_pr, "ilvl"), 0)
        return self._style_num_pr(_val(style, "basedOn"), depth=depth + 1)


def _restarts(level: Level | None, used: int) -> bool:
    """Whether ``level`` restarts when level ``used`` (0-based) advances (w:lvlRestart is
    1-based; 0 means never; absent means after any higher level)."""
    if level is None or level.restart is None:
        return True
    return level.restart != 0 and used < level.restart


def _part_root(document: Any, reltype_end: str) -> Any:
    for rel in document.part.rels.values():
        if rel.reltype.endswith(reltype_end) and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _numbering_root(document: Any) -> Any:
    return _part_root(document, "/numbering")


def _styles_root(document: Any) -> Any:
    return _part_root(document, "/styles")
