"""One way to draw a chart for a page or a document: the Noto Sans CJK font shipped in the
``mplfonts`` package (no system fonts, no network) and one set of save options (SVG glyphs as
paths with no date stamp, so the same data gives the same bytes; PNG at 150 dpi)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import mplfonts
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties


@cache
def font_path() -> Path:
    """The CJK font file every chart uses."""
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"CJK font missing from the mplfonts package: {path}")
    return path


def font(size: float = 10) -> FontProperties:
    """The CJK font at ``size`` points (a new object: a caller may change it freely)."""
    return FontProperties(fname=str(font_path()), size=size)


def _save(fig: Figure, fmt: str) -> io.BytesIO:
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format=fmt,
        bbox_inches="tight",
        dpi=150 if fmt == "png" else 72,
        metadata={"Date": None} if fmt == "svg" else None,
    )
    plt.close(fig)
    return buffer


def svg(fig: Figure) -> str:
    """The figure as an SVG document (served on its own as ``image/svg+xml``)."""
    return _save(fig, "svg").getvalue().decode("utf-8")


def inline_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element to put inside a page."""
    text = svg(fig)
    return text[text.index("<svg") :]


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes for a Word document or a download."""
    return _save(fig, "png").getvalue()
