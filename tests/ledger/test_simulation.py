"""The budget-year simulation drives the real ledger and policy services: with demand above the
budget, sales pause, nothing is overspent, every reserved claim is paid in time, and each
month stays near its plan. A light year here (few sales, one slot a day); the full run is
``huanxin simulate pacing --json`` (docs/budget-year.md)."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from huanxin.cli import app
from huanxin.core import workdays
from huanxin.ledger import simulation


def test_a_light_year_meets_the_bounds() -> None:
    outcome = simulation.run(seed=3, mean_per_day=5, slots=1)
    assert outcome.days == 365
    assert outcome.demand_fen * 69 // 100 <= outcome.budget_fen <= outcome.demand_fen * 70 // 100
    assert outcome.overspend_fen == 0
    assert outcome.reserved_honoured is True
    # some of the 3 % sent back for evidence miss the review deadline; nothing else does
    assert 0 < outcome.claims_past_deadline <= outcome.sales * simulation.SLOW_BP // 10_000 * 2
    assert outcome.paused_days > 0 and outcome.refused_paused > 0
    # all of the year's money went to sales except what no single sale could use at the end
    assert outcome.budget_fen - outcome.spent_fen < outcome.budget_fen // 50
    assert len(outcome.months) == 12
    assert sum(m["plan_fen"] for m in outcome.months) == outcome.budget_fen


def test_cli_prints_the_result_as_the_last_line() -> None:
    result = CliRunner().invoke(
        app, ["simulate", "pacing", "--json", "--per-day", "2", "--slots", "1", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert list(last) == [
        "days",
        "budget_fen",
        "spent_fen",
        "overspend_fen",
        "max_month_deviation",
        "paused_days",
        "reserved_honoured",
        "claims_past_deadline",
    ]
    assert last["overspend_fen"] == 0 and last["reserved_honoured"] is True


def test_deadlines_are_counted_on_the_official_calendar() -> None:
    """15 working days from 30 September 2026 end on 27 October: the National Day week does
    not count, the make-up Saturday 10 October does (the same count as a claim's clock)."""
    sim = simulation.Simulation.__new__(simulation.Simulation)
    sim.calendar = workdays.Calendar({}, frozenset())
    sold = date(2026, 9, 30)
    assert not sim._past_deadline(sold, date(2026, 10, 27), date(2026, 10, 28))
    assert sim._past_deadline(sold, date(2026, 10, 28), date(2026, 10, 29))
    # pay: 30 working days from the review; 2027 is not yet published, so Monday to Friday
    assert not sim._past_deadline(date(2026, 12, 1), date(2026, 12, 10), date(2027, 1, 21))
    assert sim._past_deadline(date(2026, 12, 1), date(2026, 12, 10), date(2027, 1, 22))
