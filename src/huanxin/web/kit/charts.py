"""One way to draw a chart for a page or a document: the Noto Sans CJK font shipped in the
``mplfonts`` package (no system fonts, no network), one set of save options (SVG glyphs as
paths with no date stamp, so the same data gives the same bytes; PNG at 150 dpi), and one way
to put money on an axis (``money_scale`` and ``money_axis``: 元 or 万元 with thousands
separators, never matplotlib's "1e7" offset)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import mplfonts
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter

from huanxin.core.money import FEN_PER_WAN, FEN_PER_YUAN, WAN_FROM_FEN


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


def money_scale(largest_fen: int) -> tuple[int, str]:
    """The divisor and unit to plot amounts of fen up to ``largest_fen``: 万元 from 10 万元
    up (as the pages show such amounts), 元 below."""
    if abs(largest_fen) >= WAN_FROM_FEN:
        return FEN_PER_WAN, "万元"
    return FEN_PER_YUAN, "元"


def _tick(value: float, _pos: object = None) -> str:
    """A tick label with thousands separators and no needless decimals: ``12,000``, ``2.5``."""
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money_axis(axis: Axis, unit: str, *, size: float = 9) -> None:
    """Label ``axis`` with plain numbers in ``unit`` (no scientific offset) and name the unit."""
    axis.set_major_formatter(FuncFormatter(_tick))
    axis.set_label_text(f"金额（{unit}）", fontproperties=font(size))


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
