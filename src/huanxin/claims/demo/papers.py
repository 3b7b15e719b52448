"""Sample papers for the demo's car applications: one page per kind of evidence the
programmes ask for (an invoice, a scrappage certificate, an identity card…), drawn with the
page kit's CJK font and stamped as a demo sample, so a reviewer opening a file sees a document
rather than an empty one. Rendered once per kind and reused."""

from __future__ import annotations

import io
from functools import cache

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle
from PIL import Image

from huanxin.web.kit import charts

DPI = 100
LINES = ("持有人：演示居民", "证件编号：演示用 ****", "签发单位：演示机关（盖章）", "日期：2025年")


def _figure(title: str) -> bytes:
    fig = plt.figure(figsize=(5.8, 4.1))
    fig.add_artist(Rectangle((0.03, 0.04), 0.94, 0.92, fill=False, lw=1.2, color="#333"))
    fig.text(0.5, 0.84, title, ha="center", fontproperties=charts.font(15))
    for n, line in enumerate(LINES):
        fig.text(0.1, 0.66 - n * 0.1, line, fontproperties=charts.font(10))
    fig.text(
        0.5,
        0.2,
        "演示样张 · 非真实票证",
        ha="center",
        color="#b3261e",
        fontproperties=charts.font(12),
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


@cache
def sample_pdf(title: str) -> bytes:
    """A one-page PDF headed ``title`` (greyscale, a few kilobytes)."""
    image = Image.open(io.BytesIO(_figure(title))).convert("L")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=DPI)
    return out.getvalue()
