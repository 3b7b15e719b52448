""".docx plans whose headings are numbered by Word (w:numPr), so "一、"/"（一）"/"1." are not in
the paragraph text: the importer rebuilds them from numbering.xml."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.supervision.conftest import SEEDS, gold, seed_text

from huanxin.supervision.planparse import parse_plan
from huanxin.supervision.planparse.docx_numbering import chinese, format_number

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# (pattern of a typed prefix, ilvl) in hierarchy order
PREFIXES = [
    (re.compile(r"^[一二三四五六七八九十]+、\s*"), 0),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*"), 1),
    (re.compile(r"^\d{1,2}[.．、](?!\d)\s*"), 2),
    (re.compile(r"^[（(]\d{1,2}[）)]\s*"), 3),
]
ABSTRACT = f"""
<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/>{{restart}}<w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/>{{restart}}<w:numFmt w:val="decimal"/>
    <w:lvlText w:val="（%4）"/></w:lvl>
  <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>
    <w:lvlText w:val="%5"/></w:lvl>
</w:abstractNum>
"""
NUM = f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
CHAPTER_STYLE = f"""
<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="PlanChapter">
  <w:name w:val="Plan Chapter"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr></w:pPr>
</w:style>
"""


def _strip_prefix(line: str) -> tuple[int | None, str]:
    for pattern, ilvl in PREFIXES:
        m = pattern.match(line)
        if m:
            return ilvl, line[m.end() :]
    return None, line


def _num_pr(paragraph: Any, ilvl: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/></w:numPr>'
        )
    )


def write_numbered_docx(text: str, path: Path, *, restart_sub_items: bool) -> int:
    """The plan as .docx with every heading numbered by Word, not typed; chapters get their
    number from a paragraph style, the rest from direct w:numPr. Returns headings numbered."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    # sub-items restart under every parent (Word's default), or only under a new chapter
    # (w:lvlRestart 1), as in plans that number 1.–15. and （1）–（44） through a chapter
    restart = "" if restart_sub_items else '<w:lvlRestart w:val="1"/>'
    abstract = ABSTRACT.replace("{restart}", restart)
    first_num = numbering.find(f"{{{W_NS}}}num")
    first_num.addprevious(parse_xml(abstract))
    numbering.append(parse_xml(NUM))
    document.styles.element.append(parse_xml(CHAPTER_STYLE))
    numbered, rows = 0, []
    for raw in [*text.splitlines(), ""]:
        if "\t" in raw:
            rows.append(raw.split("\t"))
            continue
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for cells, row in zip(rows, table.rows, strict=True):
                for value, cell in zip(cells, row.cells, strict=False):
                    cell.text = value
            rows = []
        line = re.sub(r"^#+\s*", "", raw).replace("**", "").strip()
        if not line:
            continue
        ilvl, rest = _strip_prefix(line)
        if ilvl == 0:
            document.add_paragraph(rest, style="Plan Chapter")
        elif ilvl is not None:
            _num_pr(document.add_paragraph(rest), ilvl)
        else:
            document.add_paragraph(line)
        numbered += ilvl is not None
    document.save(str(path))
    return numbered


@pytest.mark.parametrize(("name", "restart"), [(SEEDS[0], True), (SEEDS[1], False)])
def test_word_numbered_headings_parse_like_typed_ones(
    shared_dir: Path, scorer: ModuleType, tmp_path: Path, name: str, restart: bool
) -> None:
    path = tmp_path / "numbered.docx"
    numbered = write_numbered_docx(seed_text(shared_dir, name), path, restart_sub_items=restart)
    assert numbered > 30
    import docx

    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert not any(
        re.match(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)", t) for t in texts
    )
    result = scorer.score(gold(shared_dir, name), parse_plan(path))
    assert result["tasks"]["f1"] >= 0.95, result
    assert result["units"]["f1"] >= 0.95, result
    assert result["targets"]["f1"] >= 0.90, result


def test_typed_label_on_a_numbered_paragraph_is_not_doubled(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "plan.docx"
    write_numbered_docx(
        "一、重点任务\n（一）推动设备更新。（县工信局负责）\n", path, restart_sub_items=True
    )
    document = docx.Document(str(path))
    paragraph = document.add_paragraph("（二）推进家电以旧换新。（县商务局负责）")
    _num_pr(paragraph, 1)
    cancelled = document.add_paragraph("（三）开展汽车促销。（县商务局负责）")
    ppr = cancelled._p.get_or_add_pPr()
    from docx.oxml import parse_xml

    ppr.append(
        parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="1"/><w:numId w:val="0"/></w:numPr>')
    )
    document.save(str(path))
    plan = parse_plan(path)
    assert [t["ref"] for t in plan["tasks"]] == ["一/（一）", "一/（二）", "一/（三）"]
    assert plan["tasks"][1]["lead_units"] == ["县商务局"]


def test_number_formats() -> None:
    assert [chinese(n) for n in (1, 10, 11, 20, 38, 100, 105, 110)] == [
        "一",
        "十",
        "十一",
        "二十",
        "三十八",
        "一百",
        "一百零五",
        "一百一十",
    ]
    assert format_number(3, "chineseCountingThousand") == "三"
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(2, "ideographTraditional") == "乙"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(7, "decimalZero") == "07"
