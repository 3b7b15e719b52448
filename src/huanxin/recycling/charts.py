"""Server-side charts of the recycling pages (matplotlib SVG through the page kit)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from huanxin.web.kit import charts


def indicator_svg(series: list[dict[str, object]], *, title: str) -> str:
    """Monthly tonnes as bars with the monthly 2023 baseline as a line."""
    font = charts.font()
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
    return charts.inline_svg(fig)
