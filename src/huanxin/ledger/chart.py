"""The burn-down chart of a pool, rendered server-side as SVG with matplotlib.

Text uses the Noto Sans CJK font file shipped inside the ``mplfonts`` package (no system
fonts, no network); glyphs are drawn as paths, so the SVG needs no font in the browser.
Plot coordinates are floats of yuan; they position pixels and never carry money.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import mplfonts
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from huanxin.ledger.report import BurnRate

FORECAST_HORIZON_DAYS = 180


@cache
def font_path() -> Path:
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"CJK font missing from the mplfonts package: {path}")
    return path


def _font(size: float = 10) -> FontProperties:
    return FontProperties(fname=font_path(), size=size)


def _forecast(rate: BurnRate) -> tuple[list[date], list[float]]:
    """The straight line from today's available balance down at the daily burn."""
    if rate.per_day_fen <= 0:
        return [], []
    end = rate.exhaustion_date or rate.today
    horizon = rate.today + timedelta(days=FORECAST_HORIZON_DAYS)
    end = min(end, horizon)
    left = max(rate.available_fen - rate.per_day_fen * (end - rate.today).days, 0)
    return [rate.today, end], [rate.available_fen / 100, left / 100]


def burn_svg(rate: BurnRate, *, title: str) -> str:
    """SVG text of the available balance over the window and its forecast."""
    fig = Figure(figsize=(8, 3.4), dpi=100)
    ax: Any = fig.add_subplot()  # matplotlib's stubs reject dates as x values
    days = [d for d, _ in rate.series]
    ax.step(
        days,
        [v / 100 for _, v in rate.series],
        where="post",
        color="#1f6f5c",
        label="可用余额（元）",
    )
    xs, ys = _forecast(rate)
    if xs:
        ax.plot(xs, ys, linestyle="--", color="#c0392b", label="按近期日均支出预测")
    ax.set_title(title, fontproperties=_font(12))
    ax.set_ylabel("元", fontproperties=_font(), rotation=0, labelpad=12)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(DateFormatter("%m-%d"))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    ax.legend(prop=_font(9), loc="upper right")
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
