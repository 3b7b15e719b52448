"""Reading scanned (image-only) PDF pages with OCR: Debian's tesseract and its chi_sim data.

Owns: whether OCR is available on this machine, rendering each page to an image (pypdfium2,
which pdfplumber already uses), running tesseract on it, joining its words back into lines
(no spaces between Chinese characters) and each page's mean word confidence (0–100), which
the review page shows. Nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LANGUAGE = "chi_sim"
DPI = 300
PAGE_TIMEOUT_S = 120
CJK_EDGE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"


@dataclass(frozen=True)
class OcrPage:
    number: int
    text: str
    confidence: float  # mean word confidence, 0–100


def available() -> bool:
    """tesseract is on PATH and has the chi_sim language data."""
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        run = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return LANGUAGE in run.stdout.split()


def read_pages(pdf_path: Path) -> list[OcrPage]:
    """OCR every page of the PDF, in order."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    pages: list[OcrPage] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for index in range(len(pdf)):
                image = pdf[index].render(scale=DPI / 72).to_pil().convert("L")
                png = Path(tmp) / f"page-{index + 1}.png"
                image.save(png)
                pages.append(_page(index + 1, png))
    finally:
        pdf.close()
    return pages


def _page(number: int, png: Path) -> OcrPage:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    run = subprocess.run(
        ["tesseract", str(png), "stdout", "-l", LANGUAGE, "--psm", "4", "tsv"],
        capture_output=True,
        text=True,
        timeout=PAGE_TIMEOUT_S,
        check=True,
        env=env,
    )
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in run.stdout.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        confidence = float(cols[10])
        if confidence >= 0:
            confidences.append(confidence)
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(cols[11].strip())
    text = fix_labels("\n".join(join_words(words) for words in lines.values()))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrPage(number, text, round(mean, 1))


# OCR's usual misreadings: 牵 as 率/奉/幸 in unit labels, their colon as a semicolon, and a
# heading's bracket
LABEL_FIXES = (
    (re.compile(r"[率奉幸]头(单位|部门)"), r"牵头\1"),
    (re.compile(r"(牵头|配合|责任)(单位|部门)\s*[;；]"), r"\1\2："),
    # a heading's opening bracket read as 〈《 or doubled: "〈《八)" → "（八）"
    (
        re.compile(r"^[〈《<(（「]{1,2}([一二三四五六七八九十]{1,3})[)）」]", re.MULTILINE),
        r"（\1）",
    ),
)


def fix_labels(text: str) -> str:
    for pattern, replacement in LABEL_FIXES:
        text = pattern.sub(replacement, text)
    return text


def join_words(words: list[str]) -> str:
    """Words of one line: Chinese characters and full-width punctuation join without a space,
    Latin words and numbers keep one."""
    text = " ".join(words)
    return re.sub(rf"(?<={CJK_EDGE}) +| +(?={CJK_EDGE})", "", text)
