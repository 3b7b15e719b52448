"""The budget-year simulation drives the real ledger and policy services: with demand above the
budget, sales pause, nothing is overspent, every reserved claim is paid in time, and each
month stays near its plan. A light year here (few sales, one slot a day); the full run is
``huanxin simulate pacing --json`` (docs/budget-year.md)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from huanxin.cli import app
from huanxin.ledger import simulation


def test_a_light_year_meets_the_bounds() -> None:
    outcome = simulation.run(seed=3, mean_per_day=5, slots=1)
    assert outcome.days == 365
    assert outcome.demand_fen * 69 // 100 <= outcome.budget_fen <= outcome.demand_fen * 70 // 100
    assert outcome.overspend_fen == 0
    assert outcome.reserved_honoured is True
    assert outcome.claims_past_deadline == 0
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
