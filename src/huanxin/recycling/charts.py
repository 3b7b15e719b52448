"""Server-side charts of the recycling pages (matplotlib SVG with the bundled CJK font)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mplfonts
from matplotlib import font_manager

FONT = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


def indicator_svg(series: list[dict[str, object]], *, title: str) -> str:
    """Monthly tonnes as bars with the monthly 2023 baseline as a line."""
    font = font_manager.FontProperties(fname=str(FONT))
    months = [str(r["month"])[5:] for r in series]
    tonnes = [float(r["tonnes"]) for r in series]  # type: ignore[arg-type]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.bar(months, tonnes, color="#2a6f97", label="回收量（吨）")
    base = series[0]["baseline_tonnes"] if series else None
    if base is not None:
        ax.axhline(float(base), color="#c0392b", linestyle="--", label="2023年月均基数")  # type: ignore[arg-type]
    ax.set_title(title, fontproperties=font)
    ax.legend(prop=font, fontsize=8)
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
