"""Server-side charts of the task ledger (matplotlib through the page kit's chart helper):
SVG for pages, PNG for the briefing."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from huanxin.web.kit import charts

STATUS_COLOURS = {
    "not_started": "#9aa5b1",
    "on_track": "#1e7d32",
    "at_risk": "#b26a00",
    "overdue": "#b3261e",
    "done": "#1a5fb4",
}


def _render(fig: Figure, fmt: str) -> bytes:
    return charts.png(fig) if fmt == "png" else charts.svg(fig).encode("utf-8")


def status_chart(counts: dict[str, int], labels: dict[str, str], *, fmt: str = "svg") -> bytes:
    """Bars: number of tasks per status."""
    font = charts.font()
    fig, ax = plt.subplots(figsize=(6, 3))
    keys = list(labels)
    ax.bar(
        [labels[k] for k in keys],
        [counts.get(k, 0) for k in keys],
        color=[STATUS_COLOURS.get(k, "#888") for k in keys],
    )
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(font)
    ax.set_title("任务状态分布", fontproperties=font)
    ax.set_ylabel("任务数", fontproperties=font)
    return _render(fig, fmt)


def progress_chart(rows: list[tuple[str, float]], *, fmt: str = "svg") -> bytes:
    """Horizontal bars: progress towards each indicator's target, in percent."""
    font = charts.font()
    height = max(2.0, 0.4 * len(rows) + 1)
    fig, ax = plt.subplots(figsize=(7, height))
    names = [_short(name) for name, _ in rows] or ["（暂无数据）"]
    values = [value for _, value in rows] or [0.0]
    ax.barh(names, values, color=["#1e7d32" if v >= 100 else "#1a5fb4" for v in values])
    ax.axvline(100, color="#b3261e", linestyle="--", linewidth=1)
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(font)
    ax.invert_yaxis()
    ax.set_title("指标完成进度（%）", fontproperties=font)
    return _render(fig, fmt)


def trend_chart(
    name: str,
    points: list[tuple[int, float]],
    *,
    target: tuple[int, float] | None,
    forecast: tuple[int, float] | None,
    forecast_from: tuple[int, float] | None = None,
    fmt: str = "svg",
) -> bytes:
    """An indicator's actuals, its target and the linear forecast to the target year, drawn
    from ``forecast_from`` (the last completed year) or else the last point."""
    font = charts.font()
    fig, ax = plt.subplots(figsize=(6, 3))
    if points:
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label="实际值")
    start = forecast_from or (points[-1] if points else None)
    if forecast and start:
        ax.plot([start[0], forecast[0]], [start[1], forecast[1]], linestyle="--", label="线性预测")
    if target:
        ax.scatter([target[0]], [target[1]], marker="*", s=120, color="#b3261e", label="目标")
    ax.set_title(_short(name, 24), fontproperties=font)
    if points or target:
        ax.legend(prop=font)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _render(fig, fmt)


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counts_chart(rows: list[tuple[str, float]], *, fmt: str = "svg") -> bytes:
    """Horizontal bars of a report's counted figures (tasks, matters, findings, meetings)."""
    font = charts.font()
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.4 * len(rows) + 1)))
    ax.barh([_short(name) for name, _ in rows], [value for _, value in rows], color="#1a5fb4")
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(font)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("专班工作数据", fontproperties=font)
    return _render(fig, fmt)
