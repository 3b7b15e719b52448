"""The figures a report template may name, each read from the domain that owns it: trade-in
claims and their money, recycling, equipment investment and used cars (through
``computed.SOURCES``, the year to the report's last day), and the task force's own work
(tasks by status, open escalations, findings not yet rectified, meetings held in the period).

A figure is kept as a ``Value``: the key, its label, the number as text in its display unit
(money in 元 to the fen, computed from integer fen), so a stored report shows exactly what it
was made with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.core.jurisdictions import subtree_codes
from huanxin.supervision import computed
from huanxin.supervision.mechanism_models import Meeting
from huanxin.supervision.service import escalations, ledger, visits
from huanxin.supervision.states import MeetingState


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date


@dataclass(frozen=True)
class Value:
    key: str
    label: str
    value: str
    unit: str
    number: float  # for charts only

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


Reader = Callable[[Session, Actor, Period], tuple[Decimal, str]]


def _platform(key: str) -> Reader:
    source = computed.SOURCES[key]

    def read(session: Session, actor: Actor, p: Period) -> tuple[Decimal, str]:
        raw = source.figure(session, frozenset(subtree_codes(session, p.code)), p.end.year)
        if source.measure == "fen":
            return Decimal(int(raw)).scaleb(-2), "元"
        return Decimal(str(raw)), source.unit

    return read


def _tasks(status: str | None) -> Reader:
    def read(session: Session, actor: Actor, p: Period) -> tuple[Decimal, str]:
        rows = [
            r
            for r in ledger.list_rows(session, actor, today=p.end)
            if r.task.jurisdiction_code == p.code
        ]
        counts = Counter(r.status for r in rows)
        return Decimal(len(rows) if status is None else counts[status]), "项"

    return read


def _escalations(session: Session, actor: Actor, p: Period) -> tuple[Decimal, str]:
    return Decimal(len(escalations.open_in(session, p.code))), "项"


def _findings(session: Session, actor: Actor, p: Period) -> tuple[Decimal, str]:
    return Decimal(len(visits.open_findings(session, p.code))), "个"


def _meetings(session: Session, actor: Actor, p: Period) -> tuple[Decimal, str]:
    stmt = (
        select(func.count())
        .select_from(Meeting)
        .where(
            Meeting.jurisdiction_code == p.code,
            Meeting.state == MeetingState.HELD,
            Meeting.held_on >= p.start,
            Meeting.held_on <= p.end,
        )
    )
    return Decimal(int(session.scalar(stmt) or 0)), "次"


FIGURES: dict[str, tuple[str, Reader]] = {
    "trade_in_claims": ("以旧换新已支付补贴（本年累计）", _platform("trade_in_all_claims")),
    "trade_in_subsidy": ("以旧换新已支付补贴资金（本年累计）", _platform("trade_in_all_subsidy")),
    "car_subsidy": ("汽车以旧换新补贴资金（本年累计）", _platform("trade_in_car_subsidy")),
    "appliance_subsidy": (
        "家电以旧换新补贴资金（本年累计）",
        _platform("trade_in_appliance_subsidy"),
    ),
    "elv_recycled": ("报废汽车回收拆解量（本年累计）", _platform("elv_recycled")),
    "appliances_recycled": ("废旧家电回收量（本年累计）", _platform("appliance_recycled_units")),
    "equipment_investment": ("设备更新竣工项目投资（本年累计）", _platform("equipment_investment")),
    "used_cars": ("二手车交易量（本年累计）", _platform("used_car_transactions")),
    "tasks_total": ("台账任务总数", _tasks(None)),
    "tasks_done": ("已完成任务", _tasks("done")),
    "tasks_overdue": ("逾期任务", _tasks("overdue")),
    "tasks_at_risk": ("有风险任务", _tasks("at_risk")),
    "escalations_open": ("未办结的需上级支持事项", _escalations),
    "findings_open": ("未整改销号的督导问题", _findings),
    "meetings_held": ("本期召开会议", _meetings),
}

DEFAULTS: dict[str, list[str]] = {
    "daily": ["trade_in_claims", "trade_in_subsidy", "tasks_overdue", "escalations_open"],
    "ten_day": [
        "trade_in_claims",
        "trade_in_subsidy",
        "car_subsidy",
        "appliance_subsidy",
        "elv_recycled",
        "appliances_recycled",
        "tasks_total",
        "tasks_done",
        "tasks_overdue",
        "escalations_open",
        "findings_open",
        "meetings_held",
    ],
}
for _kind in ("weekly", "monthly", "special"):
    DEFAULTS[_kind] = list(FIGURES)


def unknown(keys: list[str]) -> list[str]:
    return [k for k in keys if k not in FIGURES]


def read_all(session: Session, actor: Actor, keys: list[str], period: Period) -> list[Value]:
    out = []
    for key in keys:
        label, read = FIGURES[key]
        number, unit = read(session, actor, period)
        out.append(Value(key, label, _text(number, unit), unit, float(number)))
    return out


def _text(number: Decimal, unit: str) -> str:
    """Thousands separators; 元 to the fen; whole numbers without decimals."""
    if unit == "元":
        return f"{number:,.2f}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def choices() -> list[tuple[str, str]]:
    return [(k, label) for k, (label, _) in FIGURES.items()]
