"""Scenario files in policies/scenarios/*.yaml, one test per scenario, readable by a policy officer.

Each scenario gives the buyer's jurisdiction, the purchase date, the item and the expected fen per
programme (the exact set of programmes that apply), the total, and optionally the funding per
layer, the versions used, explanation fragments and reasons for programmes that do not apply.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from huanxin.policy.engine import ItemAttributes, jurisdiction_path, quote
from huanxin.policy.loader import default_policies_dir, load_dir
from huanxin.policy.schema import Programme

SCENARIO_DIR = default_policies_dir() / "scenarios"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(scenario, id=f"{path.stem}:{scenario['name']}"))
    return cases


@pytest.fixture(scope="module")
def programmes() -> list[Programme]:
    return load_dir()


def test_scenario_files_exist() -> None:
    assert len(_cases()) >= 40


@pytest.mark.parametrize("scenario", _cases())
def test_scenario(scenario: dict[str, Any], programmes: list[Programme]) -> None:
    as_of = scenario.get("as_of")
    result = quote(
        programmes,
        jurisdiction_path=jurisdiction_path(scenario["jurisdiction"]),
        on_date=scenario["date"],
        item=ItemAttributes.from_inputs(scenario["item"]),
        as_of=as_of if isinstance(as_of, date) else None,
    )
    expected = scenario["expected"]
    assert {r.programme_id: r.amount_fen for r in result.applied} == expected["programmes_fen"]
    assert result.total_fen == expected["total_fen"]
    if "funding_fen" in expected:
        assert {k.value: v for k, v in result.funding_fen.items()} == expected["funding_fen"]
    for pid, version in expected.get("versions", {}).items():
        assert next(r.version for r in result.applied if r.programme_id == pid) == version
    text = "\n".join(result.explanation)
    for fragment in expected.get("explanation", []):
        assert fragment in text
    reasons = {n.programme_id: "\n".join(n.reasons) for n in result.not_applied}
    for pid, fragment in expected.get("not_applied", {}).items():
        assert fragment in reasons[pid]
