"""The ``policy`` Typer commands, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from huanxin.policy.cli import policy_app

runner = CliRunner()


def test_quote_text() -> None:
    result = runner.invoke(
        policy_app,
        [
            "quote",
            "--jurisdiction",
            "140521",
            "--date",
            "2025-03-01",
            "--category",
            "air_conditioner",
            "--price",
            "12000",
            "--grade",
            "1",
            "--attr",
            "resident=true",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "售价12,000.00元×20%=2,400.00元，超过单件上限2,000元，按2,000.00元补贴" in result.output
    assert "补贴合计2,500.00元" in result.output


def test_quote_json() -> None:
    result = runner.invoke(
        policy_app,
        [
            "quote",
            "--jurisdiction",
            "140321",
            "--date",
            "2025-03-01",
            "--category",
            "lift_installation",
            "--price",
            "600000",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total_fen"] == 20000000
    assert body["funding_fen"] == {"province": 10000000, "city": 5000000, "county": 5000000}
    assert [a["version"] for a in body["applied"]] == [1, 1, 1]


def test_quote_bad_date_exits_1_with_chinese_message() -> None:
    result = runner.invoke(
        policy_app,
        [
            "quote",
            "--jurisdiction",
            "140521",
            "--date",
            "2025/03/01",
            "--category",
            "tv",
            "--price",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert "日期格式须为YYYY-MM-DD" in result.output


def test_validate_ok_and_bad(tmp_path: Path) -> None:
    ok = runner.invoke(policy_app, ["validate"])
    assert ok.exit_code == 0 and "共23个政策文件" in ok.output
    (tmp_path / "x.yaml").write_text("id: x\nversion: zero\n", encoding="utf-8")
    bad = runner.invoke(policy_app, ["validate", "--policies-dir", str(tmp_path)])
    assert bad.exit_code == 1
    assert "x.yaml:" in bad.output
