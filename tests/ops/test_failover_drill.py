"""The failover drill, short: real primary and synchronous standby, the primary killed under
load, the standby promoted; nothing acknowledged lost, nothing paid twice."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from huanxin.cli import app

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("ops_drill")]


def test_failover_loses_nothing_and_duplicates_nothing() -> None:
    args = [
        "drill",
        "failover",
        "--json",
        "--clients",
        "6",
        "--before",
        "1.5",
        "--detect",
        "0.5",
        "--after",
        "1.5",
    ]
    result = CliRunner().invoke(app, args)
    lines = result.stdout.strip().splitlines()
    detail, headline = json.loads(lines[-2]), json.loads(lines[-1])
    assert result.exit_code == 0, detail
    assert set(headline) == {"acknowledged", "lost", "duplicated", "downtime_s"}
    assert headline["lost"] == 0 and headline["duplicated"] == 0
    assert detail["problems"] == [] and detail["refused"] == 0 and detail["unanswered"] == 0
    assert detail["retries"] > 0  # the kill hit work in flight, which was sent again
    assert detail["acknowledged_before_kill"] >= 20  # the first primary had acknowledged sales
    assert detail["acknowledged_after_kill"] > 0  # and the promoted standby took new sales
    assert detail["claims"] >= headline["acknowledged"] > 0
    # a gap was measured; on a quiet machine it can be shorter than the detection delay
    # (0.03 s seen in CI on 2026-12-07), see the note on issue 18
    assert headline["downtime_s"] is not None and headline["downtime_s"] > 0
