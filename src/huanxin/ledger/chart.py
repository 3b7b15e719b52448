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
    """SVG text of the available balance over the window and its forecast (元 or 万元)."""
    fig = Figure(figsize=(8, 3.4), dpi=100)
    ax: Any = fig.add_subplot()  # matplotlib's stubs reject dates as x values
    days = [d for d, _ in rate.series]
    scale, unit = charts.money_scale(max([v for _, v in rate.series] + [rate.available_fen, 0]))
    ax.step(
        days,
        [v / scale for _, v in rate.series],
        where="post",
        color="#1f6f5c",
        label=f"可用余额（{unit}）",
    )
    xs, ys = _forecast(rate)
    if xs:
        ax.plot(
            xs,
            [y * 100 / scale for y in ys],
            linestyle="--",
            color="#c0392b",
            label="按近期日均支出预测",
        )
    ax.set_title(title, fontproperties=charts.font(12))
    charts.money_axis(ax.yaxis, unit, size=10)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(DateFormatter("%m-%d"))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    ax.legend(prop=charts.font(9), loc="upper right")
    fig.tight_layout()
    return charts.svg(fig)


def year_burn_svg(monthly_fen: list[int], budget_fen: int) -> str:
    """The year so far, sized for a phone: each month's spending (bars), the running total
    (line) and the year's budget (dashed), in 元 or 万元 as the size calls for."""
    running = [sum(monthly_fen[: i + 1]) for i in range(len(monthly_fen))]
    # A budget line that dwarfs the spending would flatten the bars to nothing: it is drawn
    # only when the spending reaches a tenth of it (the home page states the budget anyway).
    show_budget = budget_fen > 0 and max([*running, 0]) * 10 >= budget_fen
    top = max([*running, *monthly_fen, budget_fen if show_budget else 0, 0])
    scale, unit = charts.money_scale(top)
    months = list(range(1, len(monthly_fen) + 1))
    fig = Figure(figsize=(4.8, 3.0), dpi=100)  # about 1:1 on a phone, so 10 pt reads as 10 px
    ax: Any = fig.add_subplot()
    ax.bar(months, [v / scale for v in monthly_fen], color="#90caf9", label="当月支出")
    ax.plot(months, [v / scale for v in running], color="#b3261e", marker="o", label="累计支出")
    if show_budget:
        ax.axhline(budget_fen / scale, linestyle="--", color="#5f6b7a", label="预算总额")
    step = 1 if len(months) <= 6 else 2  # every other month on a full year: labels never touch
    ax.set_xticks(
        months[::step], [f"{m}月" for m in months[::step]], fontproperties=charts.font(10)
    )
    charts.money_axis(ax.yaxis, unit, size=10)
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(charts.font(10))
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(prop=charts.font(10), loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return charts.inline_svg(fig)
