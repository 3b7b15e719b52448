"""``huanxin registry``: a province is registered with a token shown once, and the national
view lists it (here on a SQLite registry database)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from huanxin.cli import app
from huanxin.db import Database
from huanxin.federation.registry import service


def test_add_deployment_prints_a_working_token_and_the_view_lists_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    runner = CliRunner()
    added = runner.invoke(
        app, ["registry", "add-deployment", "440000", "广东省", "--database-url", url]
    )
    assert added.exit_code == 0, added.output
    token = added.output.strip()
    db = Database(url)
    with db.sessions() as session:
        assert service.authenticate(session, token).name == "广东省"
    db.dispose()
    view = runner.invoke(app, ["registry", "national", "--database-url", url])
    assert json.loads(view.output) == [
        {"code": "440000", "name": "广东省", "as_of": None, "figures": {}}
    ]
    missing = runner.invoke(
        app, ["registry", "decide", "1", "--outcome", "holder_keeps", "--database-url", url]
    )
    assert missing.exit_code == 1
