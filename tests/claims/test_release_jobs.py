"""The scheduled jobs of timed releases: ``quota_release_rounds`` opens each day's round at
its release time (the offer and a lottery's seed hash are published before anyone asks) and
``lottery_draws`` draws each round whose entries have closed — once, audited, and not while
sales are paused where a winner lives."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

import releases_world as rw
import tradein
from huanxin.claims.models import LotteryEntry, Quota, ReleaseRound
from huanxin.claims.service import lottery
from huanxin.core.clock import simulated
from huanxin.core.models import AuditEntry, User
from huanxin.db import Database
from huanxin.ledger import pausing
from huanxin.ops.jobs import service
from huanxin.ops.jobs.registry import BY_NAME


def _run(db: Database, job: str, at: datetime) -> dict[str, object]:
    with simulated(at):
        run = service.run_job(db, BY_NAME[job])
    assert run is not None and run.outcome == "ok", run
    summary: dict[str, object] = json.loads(run.summary)
    return summary


def _count(db: Database, action: str) -> int:
    with db.sessions() as session:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(session.scalar(stmt) or 0)


def _set_pause(db: Database, pool_id: int, *, paused: bool) -> None:
    with db.unit_of_work() as session:
        office = session.scalars(select(User).where(User.username == "office.140521")).one()
        act = pausing.pause if paused else pausing.resume
        act(session, rw.actor(session, office.id), pool_id=pool_id, reason="资金调度")


def test_rounds_open_and_lotteries_draw_by_schedule(database: Database) -> None:
    pools = tradein.setup(database, year=rw.DAY1.year)
    pool_id = pools[("cn.appliance", "central")]
    people = rw.consumers(database, 3)
    rw.define(database, rw.plan(pool_id))
    rw.define(
        database,
        rw.plan(pool_id, category="television", per_release=2, mode="lottery", entry_minutes=60),
    )
    assert _run(database, "quota_release_rounds", rw.at(rw.DAY1, 6, 59))["opened"] == 0
    assert _run(database, "quota_release_rounds", rw.at(rw.DAY1, 7, 1))["opened"] == 2
    assert _run(database, "quota_release_rounds", rw.at(rw.DAY1, 7, 2))["opened"] == 0
    assert _count(database, "quota_release.opened") == 2
    with database.sessions() as session:
        rounds = session.scalars(select(ReleaseRound).order_by(ReleaseRound.id)).all()
        assert [r.offered for r in rounds] == [3, 2]
        assert rounds[1].seed_hash is not None  # committed at the release time
        lottery_round = rounds[1].id
    for person in people:
        with database.unit_of_work() as session:
            lottery.enter(
                session, rw.actor(session, person), release_id=2, now=rw.at(rw.DAY1, 7, 10)
            )
    assert _run(database, "lottery_draws", rw.at(rw.DAY1, 7, 30))["drawn"] == 0  # still open
    _set_pause(database, pool_id, paused=True)
    waiting = _run(database, "lottery_draws", rw.at(rw.DAY1, 8, 1))
    assert (waiting["drawn"], waiting["waiting"]) == (0, 1)
    with database.sessions() as session:
        assert session.get(ReleaseRound, lottery_round).drawn_at is None  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(Quota)) == 0
    _set_pause(database, pool_id, paused=False)
    drawn = _run(database, "lottery_draws", rw.at(rw.DAY1, 8, 6))
    assert (drawn["drawn"], drawn["winners"], drawn["waiting"]) == (1, 2, 0)
    assert _run(database, "lottery_draws", rw.at(rw.DAY1, 8, 11))["drawn"] == 0  # once only
    assert _count(database, "lottery.drawn") == 1
    with database.sessions() as session:
        won = session.scalars(select(LotteryEntry).where(LotteryEntry.won)).all()
        assert len(won) == 2 and all(e.quota_id is not None for e in won)
        record = lottery.record(session, lottery_round)
    assert lottery.verify(record).ok
