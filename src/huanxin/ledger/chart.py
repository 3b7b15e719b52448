"""The burn-down chart of a pool, rendered server-side as SVG with matplotlib.

Text uses the page kit's chart font (no system fonts, no network); glyphs are drawn as
paths, so the SVG needs no font in the browser.
Plot coordinates are floats of yuan; they position pixels and never carry money.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from huanxin.ledger.report import BurnRate
from huanxin.web.kit import charts

FORECAST_HORIZON_DAYS = 180


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
    ax.set_title(title, fontproperties=charts.font(12))
    ax.set_ylabel("元", fontproperties=charts.font(), rotation=0, labelpad=12)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(DateFormatter("%m-%d"))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    ax.legend(prop=charts.font(9), loc="upper right")
    fig.tight_layout()
    return charts.svg(fig)
