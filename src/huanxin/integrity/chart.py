"""The dashboard's bar chart of hits per detector, rendered server-side as SVG.

Text uses the page kit's chart font (no system fonts, no network); glyphs are drawn as
paths so the browser needs no font.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from huanxin.web.kit import charts


def detector_svg(rows: list[tuple[str, int]], *, title: str = "各检测规则命中申领数") -> str:
    """Horizontal bars, one per (label, count), largest on top."""
    font = charts.font(9)
    fig = Figure(figsize=(7, 0.45 * max(len(rows), 2) + 1.0), dpi=100)
    ax = fig.add_subplot()
    labels = [label for label, _ in reversed(rows)]
    values = [n for _, n in reversed(rows)]
    bars = ax.barh(range(len(rows)), values, color="#b03a2e")
    ax.set_yticks(range(len(rows)), labels, fontproperties=font)
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {value}",
            va="center",
            fontproperties=font,
        )
    ax.set_title(title, fontproperties=charts.font(11))
    if not rows:
        ax.text(0.5, 0.5, "暂无命中", ha="center", transform=ax.transAxes, fontproperties=font)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return charts.svg(fig)
