"""``huanxin ledger check``: clean on a consistent ledger, exit 1 on a tampered balance."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from huanxin.db import Database
from huanxin.ledger import service
from huanxin.ledger.cli import ledger_app
from huanxin.ledger.models import Shard

from .conftest import PoolFactory

runner = CliRunner()


def test_check_passes_then_finds_a_tampered_balance(
    database: Database, fresh_pool: PoolFactory
) -> None:
    pool_id = fresh_pool(shards=2, allocate=100_000)
    with database.unit_of_work() as session:
        shard = service.reserve(session, pool_id=pool_id, amount_fen=30_000, ref="claim:1")
    ok = runner.invoke(ledger_app, ["check", "--database-url", database.url])
    assert ok.exit_code == 0, ok.output
    assert "账本核对通过：1个预算池，6条分录" in ok.output

    # Someone adds 500.00 yuan to a shard behind the journal's back (keeping the row's own
    # identity true, so the CHECK constraint does not stop them).
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE ledger_shards SET available = available + 50000, "
                "allocated = allocated + 50000 WHERE id = :id"
            ),
            {"id": shard},
        )
    bad = runner.invoke(ledger_app, ["check", "--database-url", database.url])
    assert bad.exit_code == 1
    assert "账本核对发现3个问题" in bad.output
    with database.sessions() as session:
        slot = session.get_one(Shard, shard).slot
    label = f"预算池{pool_id}分片{slot}（#{shard}）"
    assert bad.output.splitlines()[1:] == [
        f"  - {label}：可用余额700.00元，流水合计200.00元",
        f"  - {label}：已下达1,000.00元，流水合计500.00元",
        f"  - 预算池{pool_id}「家电以旧换新县级资金」：已下达1,500.00元，下达流水合计1,000.00元",
    ]


def test_check_finds_an_unbalanced_movement(database: Database, fresh_pool: PoolFactory) -> None:
    pool_id = fresh_pool(allocate=100_000)
    with database.engine.begin() as conn:  # delete one leg of the allocation
        conn.execute(text("DELETE FROM ledger_entries WHERE account = 'external'"))
    bad = runner.invoke(ledger_app, ["check", "--database-url", database.url])
    assert bad.exit_code == 1
    assert (
        f"  - 预算池{pool_id}「家电以旧换新县级资金」：已下达1,000.00元，下达流水合计0.00元"
        in bad.output
    )
    assert "条分录，合计1,000.00元（应为2条、合计0）" in bad.output
