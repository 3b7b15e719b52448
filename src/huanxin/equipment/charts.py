"""Server-side SVG charts of the equipment pages (matplotlib through the page kit's
chart helper: one CJK font, one set of save options; no network)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from huanxin.equipment.service.digital import DigitalIndicator
from huanxin.equipment.service.indicator import Investment
from huanxin.equipment.service.projects import ProjectDashboard
from huanxin.equipment.vocab import STAGES
from huanxin.web.kit import charts

_COLOURS = ("#b0bec5", "#90caf9", "#4fc3f7", "#ffb74d", "#66bb6a")


def dashboard_svg(data: ProjectDashboard) -> str:
    """Stacked bars: equipment investment (万元) per sector, one colour per stage."""
    font = charts.font()
    rows = data.sectors
    labels = [r.label for r in rows]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    bottom = [0.0] * len(rows)
    for colour, stage in zip(_COLOURS, STAGES, strict=True):
        values = [r.stages[stage].equipment_fen / 1_000_000 for r in rows]
        ax.bar(labels, values, bottom=bottom, color=colour, label=STAGES[stage])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("设备投资（万元）", fontproperties=font)
    ax.set_title("设备更新项目库：各领域设备投资（按阶段）", fontproperties=font)
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(font)
    ax.legend(prop=font, fontsize=8, ncols=5, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.spines[["top", "right"]].set_visible(False)
    return charts.inline_svg(fig)


def indicator_svg(data: Investment) -> str:
    """Grouped bars per sector: base year vs the indicator year (万元)."""
    font = charts.font()
    rows = data.sectors
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    base = [r.baseline_fen / 1_000_000 for r in rows]
    value = [r.value_fen / 1_000_000 for r in rows]
    ax.bar(
        [x - 0.2 for x in xs],
        base,
        width=0.4,
        color="#b0bec5",
        label=f"{data.baseline_year}年（基期）",
    )
    ax.bar([x + 0.2 for x in xs], value, width=0.4, color="#b3261e", label=f"{data.year}年")
    ax.set_xticks(list(xs), [r.label for r in rows])
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(font)
    ax.set_ylabel("设备投资（万元）", fontproperties=font)
    ax.legend(prop=font, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return charts.inline_svg(fig)


def digital_svg(data: DigitalIndicator) -> str:
    """Grouped bars per sector that reported: mean CNC rate and design-tool penetration (%),
    with the 2027 targets as dashed lines."""
    font = charts.font()
    rows = [g for g in data.groups if g.cnc_reported or g.design_reported]
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    cnc = [(g.cnc_rate_bp or 0) / 100 for g in rows]
    design = [(g.design_tool_bp or 0) / 100 for g in rows]
    ax.bar([x - 0.2 for x in xs], cnc, width=0.4, color="#4fc3f7", label="关键工序数控化率")
    ax.bar(
        [x + 0.2 for x in xs], design, width=0.4, color="#66bb6a", label="数字化研发设计工具普及率"
    )
    targets = data.targets
    ax.axhline(targets.cnc_rate_bp / 100, color="#0277bd", linestyle="--", linewidth=1)
    ax.axhline(targets.design_tool_bp / 100, color="#2e7d32", linestyle="--", linewidth=1)
    ax.set_xticks(list(xs), [g.label for g in rows])
    for tick in ax.get_xticklabels():
        tick.set_fontproperties(font)
    ax.set_ylim(0, 100)
    ax.set_ylabel("%（虚线为2027年目标）", fontproperties=font)
    ax.legend(prop=font, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return charts.inline_svg(fig)
