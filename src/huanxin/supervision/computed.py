"""Indicator actuals computed from the platform's own data, and which plan target each fits.

A ``Source`` yields a year's figure for a set of jurisdiction codes (the plan's jurisdiction and
everything below it) in its canonical measure — a count, fen, or tonnes — and, where the owning
domain records one, the base year's figure. Figures are converted to the indicator's unit
(万元/亿元, 万辆, 万吨 …) or shown in the source's own unit when the target is a percentage.

Sources and where they read:

* trade-in claims (``claims.service.totals.paid_totals``): paid claims (state ``paid``) by
  the year of purchase, counted and their subsidy summed, for all categories or one group
  (cars, home appliances, digital products, e-bikes).
* end-of-life vehicles and appliance recycling (``recycling.service.flows.indicator_series``):
  the year's recovered units or tonnes; base year from the recycling baselines
  (``recycling.service.flows.baseline_totals``: the series only carries them rounded ÷ 12).
* equipment investment (``equipment.service.indicator.investment_indicator``): equipment
  investment of projects completed in the year; the 2023 base as that domain defines it.
* used-car transactions (``secondhand.service.dealers.used_car_indicator``): registered car
  transactions of the year; the 2023 base from that domain's baselines.

Matching a target to a source (``match``) reads the target's wording and kind: rates, ratios and
percentage-point targets are never sums of platform rows, so they are never matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

Codes = frozenset[str]
Figure = Callable[[Session, Codes, int], float]
BaseFigure = Callable[[Session, Codes, int], float | None]

CLAIM_GROUPS: dict[str, tuple[str, frozenset[str] | None]] = {
    "all": ("全部品类", None),
    "car": ("汽车", frozenset({"passenger_car"})),
    "appliance": (
        "家电",
        frozenset(
            {
                "refrigerator",
                "washing_machine",
                "television",
                "air_conditioner",
                "computer",
                "water_heater",
                "household_cooker",
                "range_hood",
                "dishwasher",
                "water_purifier",
                "microwave_oven",
                "rice_cooker",
            }
        ),
    ),
    "digital": (
        "数码产品",
        frozenset({"mobile_phone", "tablet", "smart_watch_band", "smart_glasses"}),
    ),
    "ebike": ("电动自行车", frozenset({"ebike"})),
}
MONEY_UNITS = {"元": 100, "万元": 1_000_000, "亿元": 10_000_000_000}
TONNE_UNITS = {"吨": 1.0, "万吨": 10_000.0, "千克": 0.001, "公斤": 0.001}
COUNT_UNITS = ("辆", "台", "台（套）", "台套", "套", "件", "笔", "个", "户", "部")
PLATFORM = "平台数据："


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    measure: str  # count | fen | tonnes
    unit: str  # the unit actuals are shown in when the target's own unit does not fit
    figure: Figure
    base_figure: BaseFigure | None = field(default=None)

    def base(self, session: Session, codes: Codes, year: int) -> float | None:
        """The base year's figure: the owning domain's recorded base, else the platform's
        own figure for that year when it has any rows."""
        if self.base_figure is not None:
            recorded = self.base_figure(session, codes, year)
            if recorded is not None:
                return recorded
        value = self.figure(session, codes, year)
        return value or None


def _claims(group: str, what: str) -> Figure:
    def figure(session: Session, codes: Codes, year: int) -> float:
        from huanxin.claims.service.totals import paid_totals

        count, subsidy_fen = paid_totals(
            session, jurisdiction_codes=codes, year=year, categories=CLAIM_GROUPS[group][1]
        )
        return float(count if what == "count" else subsidy_fen)

    return figure


Flow = Literal["appliances", "elv"]


def _recycled(kind: Flow, what: str) -> Figure:
    def figure(session: Session, codes: Codes, year: int) -> float:
        from huanxin.recycling.service.flows import indicator_series

        rows = indicator_series(session, jurisdiction_codes=codes, kind=kind, year=year)
        total = sum(float(getattr(r, what)) for r in rows)
        return round(total, 3)

    return figure


def _recycled_base(kind: Flow, what: str) -> BaseFigure:
    def base(session: Session, codes: Codes, year: int) -> float | None:
        from huanxin.recycling.service.flows import baseline_totals

        units, kg = baseline_totals(session, jurisdiction_codes=codes, kind=kind, year=year)
        total = units if what == "units" else kg
        if total is None:
            return None
        return float(total) if what == "units" else round(float(total) / 1000, 3)

    return base


def _investment(session: Session, codes: Codes, year: int) -> float:
    from huanxin.equipment.service.indicator import investment_indicator

    return float(investment_indicator(session, jurisdiction_codes=codes, year=year).value_fen)


def _investment_base(session: Session, codes: Codes, year: int) -> float | None:
    from huanxin.equipment.service.indicator import BASE_YEAR, investment_indicator

    if year != BASE_YEAR:
        return None
    data = investment_indicator(session, jurisdiction_codes=codes, year=year)
    return float(data.baseline_fen) or None


def _used_cars(session: Session, codes: Codes, year: int) -> float:
    from huanxin.secondhand.service.dealers import used_car_indicator

    return float(used_car_indicator(session, jurisdiction_codes=codes, year=year).count)


def _used_cars_base(session: Session, codes: Codes, year: int) -> float | None:
    from huanxin.secondhand.service.dealers import used_car_indicator

    data = used_car_indicator(session, jurisdiction_codes=codes, year=year)
    if data.baseline_year != year or data.baseline is None:
        return None
    return float(data.baseline)


def _build() -> dict[str, Source]:
    sources = [
        Source(
            "equipment_investment",
            "设备投资（竣工项目）",
            "fen",
            "万元",
            _investment,
            _investment_base,
        ),
        Source("used_car_transactions", "二手车交易量", "count", "辆", _used_cars, _used_cars_base),
        Source(
            "elv_recycled",
            "报废汽车回收拆解量",
            "count",
            "辆",
            _recycled("elv", "units"),
            _recycled_base("elv", "units"),
        ),
        Source(
            "appliance_recycled_tonnes",
            "废旧家电回收量（重量）",
            "tonnes",
            "吨",
            _recycled("appliances", "tonnes"),
            _recycled_base("appliances", "tonnes"),
        ),
        Source(
            "appliance_recycled_units",
            "废旧家电回收量（台数）",
            "count",
            "台",
            _recycled("appliances", "units"),
            _recycled_base("appliances", "units"),
        ),
    ]
    for group, (label, _) in CLAIM_GROUPS.items():
        sources.append(
            Source(
                f"trade_in_{group}_claims",
                f"以旧换新已支付补贴笔数（{label}）",
                "count",
                "笔",
                _claims(group, "count"),
            )
        )
        sources.append(
            Source(
                f"trade_in_{group}_subsidy",
                f"以旧换新已支付补贴资金（{label}）",
                "fen",
                "万元",
                _claims(group, "subsidy"),
            )
        )
    return {s.key: s for s in sources}


SOURCES: dict[str, Source] = _build()

NOT_A_SUM = frozenset({"ratio", "increase_pp", "decrease_pp"})
TRADE_IN = re.compile(r"(以旧换新|换新|报废更新|置换更新|购新补贴|消费补贴)")
GROUP_WORDS = (
    ("car", re.compile(r"(汽车|乘用车|新车|车辆)")),
    ("ebike", re.compile(r"电动自行车")),
    ("digital", re.compile(r"(手机|数码|平板|智能手表|手环)")),
    ("appliance", re.compile(r"(家电|家用电器|冰箱|洗衣机|空调|电视|热水器)")),
)


def match(name: str, kind: str, unit: str | None) -> str | None:
    """The source a plan target is measured by, from its wording and kind; None when the
    platform holds no figure for it."""
    text = re.sub(r"\s", "", name)
    if kind in NOT_A_SUM or (unit == "%" and kind in {"reach", "count"}):
        return None
    if "设备投资" in text or ("设备更新" in text and "投资" in text):
        return "equipment_investment"
    if "二手车" in text and "交易" in text:
        return "used_car_transactions"
    if re.search(r"报废(汽车|机动车|车辆)", text) and re.search(r"(回收|拆解)", text):
        return "elv_recycled"
    if "家电" in text and "回收" in text:
        counted = unit is not None and unit.lstrip("万") in COUNT_UNITS
        return "appliance_recycled_units" if counted else "appliance_recycled_tonnes"
    if TRADE_IN.search(text) and "保有量" not in text:
        group = next((g for g, words in GROUP_WORDS if words.search(text)), "all")
        money = (unit in MONEY_UNITS) or bool(re.search(r"(资金|金额)", text))
        return f"trade_in_{group}_{'subsidy' if money else 'claims'}"
    return None


def shown_unit(source: Source, unit: str | None) -> str:
    """The unit actuals are stored in: the target's unit when it measures the same thing."""
    if unit and source.measure == "fen" and unit in MONEY_UNITS:
        return unit
    if unit and source.measure == "tonnes" and unit in TONNE_UNITS:
        return unit
    if unit and source.measure == "count" and unit.lstrip("万") in COUNT_UNITS:
        return unit
    return source.unit


def convert(source: Source, value: float, unit: str) -> float:
    """A canonical figure (count, fen, tonnes) in ``unit``."""
    if source.measure == "fen":
        return round(value / MONEY_UNITS.get(unit, 1_000_000), 10)  # exact to the fen
    if source.measure == "tonnes":
        return round(value / TONNE_UNITS.get(unit, 1.0), 3)
    return round(value / 10_000, 4) if unit.startswith("万") else value


def choices() -> list[tuple[str, str]]:
    """(key, label) of every source, for the indicator page."""
    return [(s.key, s.label) for s in SOURCES.values()]
