"""Document metadata of a plan: title, issuer, document number, date, jurisdiction, level."""

from __future__ import annotations

import re

SUFFIX = r"(实施方案|工作方案|行动方案|分工方案|方案|行动计划|计划|实施意见|意见|办法|措施|细则|规划|清单|要点)"
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12})[〔（【]\s*(\d{4})\s*[〕）】]\s*(\d{1,4})\s*号")
ISSUER = re.compile(
    r"^([\u4e00-\u9fff]{2,24}?(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|政府))(文件)?$"
)
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
CN_DATE = re.compile(
    r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
PLACE = re.compile(r"^([\u4e00-\u9fff]{1,8}?(自治区|自治州|自治县|省|市|州|盟|县|区|旗|镇|乡))")
LEVELS = (
    (("省", "自治区"), "province"),
    (("市", "州", "盟", "自治州"), "city"),
    (("县", "区", "旗", "自治县"), "county"),
    (("镇", "乡"), "township"),
)


def document_meta(lines: list[str]) -> dict[str, object]:
    """Metadata from the lines before the first numbered heading."""
    head = re.sub(r"《[^》]*》", "", "".join(lines[:40]))
    title = _title(lines, head)
    issuer = next((m.group(1) for ln in lines if (m := ISSUER.match(ln))), None)
    if issuer is None:
        m = re.search(r"([\u4e00-\u9fff]{2,20}(人民政府|办公室|办公厅))关于印发", head)
        issuer = m.group(1) if m else None
    jurisdiction = _jurisdiction(issuer, title)
    return {
        "title": title,
        "issuer": issuer,
        "doc_number": _doc_number(lines),
        "date": _date(lines),
        "jurisdiction": jurisdiction,
        "level": _level(jurisdiction),
    }


def _title(lines: list[str], head: str) -> str | None:
    m = re.search(r"关于印发《?(.{4,80}?)》?的通知", head)
    if m:
        return m.group(1)
    m = re.search(r"(?:现将|印发)《(.{4,80}?)》", "".join(lines[:40]))
    if m:
        return m.group(1)
    for i, line in enumerate(lines[:30]):
        if re.search(SUFFIX + r"$", line) and len(line) <= 60 and not re.search(r"[。，：]", line):
            prev = lines[i - 1] if i else ""
            joinable = prev and len(prev) <= 40 and not re.search(r"[。，：；（）〔〕\d]", prev)
            if joinable and not ISSUER.match(prev):
                return prev + line
            return line
    return _title_with_note(lines)


def _title_with_note(lines: list[str]) -> str | None:
    """A title followed by a short bracketed note (（试行）, （征求意见稿）…), note removed."""
    note = r"(?:（[^（）]{1,12}）|\([^()]{1,12}\))$"
    for line in lines[:30]:
        if re.search(SUFFIX + note, line) and len(line) <= 60 and not re.search(r"[。，：]", line):
            return re.sub(note, "", line)
    return None


def _doc_number(lines: list[str]) -> str | None:
    """The plan's own number: not a (parenthesised) citation of another document."""
    text = "\n".join(lines)
    for m in DOC_NUMBER.finditer(text):
        before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
        if before.endswith(("（", "》", "《", "、")) or after.startswith(("）", "、", "》")):
            continue
        return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"
    return None


def _date(lines: list[str]) -> str | None:
    for line in lines:
        m = DATE.match(line)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        m = CN_DATE.match(line)
        if m:
            year = "".join(
                str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in m.group(1)
            )
            return f"{year}-{_cn_small(m.group(2)):02d}-{_cn_small(m.group(3)):02d}"
    return None


def _cn_small(text: str) -> int:
    digits = "〇一二三四五六七八九"
    if "十" not in text:
        return digits.index(text)
    tens, _, ones = text.partition("十")
    return (digits.index(tens) if tens else 1) * 10 + (digits.index(ones) if ones else 0)


def _jurisdiction(issuer: str | None, title: str | None) -> str | None:
    if issuer:
        stem = re.sub(
            r"(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|政府)$", "", issuer
        )
        if stem:
            return stem
    text: str = title or ""
    place: str | None = None
    m: re.Match[str] | None
    while (m := PLACE.match(text)) and (place is None or _plain_place(m.group(1))):
        place, text = m.group(1), text[m.end() :]
    return place


def _plain_place(name: str) -> bool:
    return len(name) <= 5 and not re.search(r"(推动|关于|加快|实施|开展|促进|全面)", name)


def _level(place: str | None) -> str | None:
    if not place:
        return None
    for suffixes, level in LEVELS:
        if place.endswith(suffixes):
            return level
    return None
