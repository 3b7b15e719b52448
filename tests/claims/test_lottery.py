"""A lottery anyone can check: the seed's hash is published when the round opens, entries
after the close are refused, the draw is reproduced from the seed and the tickets alone
(``huanxin lottery verify``), and a tampered record fails the check."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import builders
import releases_world as rw
import tradein
from huanxin.claims.errors import LotteryClosed, ReleaseNotOpen
from huanxin.claims.models import LotteryEntry, Quota, ReleaseRound
from huanxin.claims.service import lottery
from huanxin.cli import app
from huanxin.core.clock import today_cn
from huanxin.core.errors import Conflict, DomainError
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.ledger import pausing
from huanxin.ledger.errors import SalesPaused


def _enter(db: Database, user_id: int, now: datetime) -> LotteryEntry | DomainError:
    try:
        with db.unit_of_work() as session:
            return lottery.enter(session, rw.actor(session, user_id), release_id=1, now=now)
    except DomainError as refused:
        return refused


def _draw(db: Database, office_id: int, round_id: int, now: datetime) -> None:
    with db.unit_of_work() as session:
        lottery.draw(session, rw.actor(session, office_id), round_id=round_id, now=now)


def _record(db: Database, round_id: int) -> dict[str, object]:
    with db.sessions() as session:
        return lottery.record(session, round_id)


def test_lottery_is_committed_closed_drawn_and_reproducible(
    database: Database, tmp_path: Path
) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 5)
    plan = rw.plan(pools[("cn.appliance", "central")], per_release=2, mode="lottery")
    rw.define(database, plan.__class__(**{**plan.__dict__, "entry_minutes": 60}))
    assert isinstance(_enter(database, people[0], rw.at(rw.DAY1, 6, 0)), ReleaseNotOpen)
    tickets = [_enter(database, p, rw.at(rw.DAY1, 7, 10)) for p in people]
    assert all(isinstance(t, LotteryEntry) for t in tickets)
    assert isinstance(_enter(database, people[0], rw.at(rw.DAY1, 7, 20)), Conflict)
    with database.sessions() as session:
        rnd = session.scalars(select(ReleaseRound)).one()
        office = session.scalars(select(User.id).where(User.username == "office.140521")).one()
    before = _record(database, rnd.id)
    assert before["seed"] is None and before["winners"] == [] and len(before["tickets"]) == 5  # type: ignore[arg-type]
    with pytest.raises(LotteryClosed, match="报名尚未截止（08:00截止）"):
        _draw(database, office, rnd.id, rw.at(rw.DAY1, 7, 30))
    late = _enter(database, people[0], rw.at(rw.DAY1, 8, 0))
    assert isinstance(late, LotteryClosed) and "报名已于08:00截止" in str(late)
    _draw(database, office, rnd.id, rw.at(rw.DAY1, 8, 1))
    after = _record(database, rnd.id)
    seed = str(after["seed"])
    assert sha256(bytes.fromhex(seed)).hexdigest() == before["seed_hash"] == after["seed_hash"]
    assert after["winners"] == lottery.draw_order(seed, list(after["tickets"]))[:2]  # type: ignore[arg-type]
    with database.sessions() as session:
        won = session.scalars(select(LotteryEntry).where(LotteryEntry.won)).all()
        assert sorted(e.ticket for e in won) == sorted(after["winners"])  # type: ignore[arg-type]
        held = session.scalars(
            select(Quota.person_key).where(Quota.period_key == rw.DAY1.isoformat())
        )
        assert sorted(held) == sorted(e.person_key for e in won)
    published = tmp_path / "round.json"
    published.write_text(json.dumps(after, ensure_ascii=False), encoding="utf-8")
    ok = CliRunner().invoke(app, ["lottery", "verify", str(published)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True, ok.output
    loser = next(t for t in after["tickets"] if t not in after["winners"])  # type: ignore[attr-defined]
    tampered = {**after, "winners": [loser, after["winners"][1]]}  # type: ignore[index]
    published.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    bad = CliRunner().invoke(app, ["lottery", "verify", str(published)])
    assert bad.exit_code == 1 and "中签名单" in bad.stdout
    assert not lottery.verify({**after, "seed": "00" * 32}).ok
    public = builders.client(database).get(f"/api/v1/lottery-rounds/{rnd.id}")
    assert public.status_code == 200 and public.json()["winners"] == after["winners"]
    _enter(database, people[0], rw.at(rw.DAY1 + timedelta(days=1), 7, 5))
    with database.sessions() as session:
        day2 = session.scalars(select(ReleaseRound).where(ReleaseRound.day > rw.DAY1)).one()
    assert (day2.offered, day2.carried_in) == (4, 2)  # the winners' unused quotas return


def test_consumer_enters_on_the_page_and_anyone_reads_the_record(database: Database) -> None:
    pools = tradein.setup(database)
    today = today_cn()
    schedule = rw.plan(
        pools[("cn.appliance", "central")],
        first_day=today,
        last_day=today,
        release_time="00:00",
        mode="lottery",
        entry_minutes=1439,
    )
    release_id = rw.define(database, schedule)
    consumer = builders.web_client(database, "consumer.140521")
    page = consumer.get("/my")
    assert f'action="/my/lottery/{release_id}"' in page.text and "报名摇号" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    entered = consumer.post(f"/my/lottery/{release_id}", data={"csrf_token": csrf})
    assert entered.status_code == 303, entered.text
    record = builders.client(database).get(entered.headers["location"])
    assert (
        record.status_code == 200 and "您的摇号编号" in record.text and "请等待开奖" in record.text
    )
    again = consumer.post(f"/my/lottery/{release_id}", data={"csrf_token": csrf})
    assert again.status_code == 409 and "您已报名本场摇号" in again.text
    office = builders.web_client(database, "office.140521")
    detail = office.get(f"/quota-releases/{release_id}")
    assert "报名名单" in detail.text and "开奖</button>" not in detail.text  # entries still open


def test_a_paused_jurisdiction_draws_no_lottery_quotas(database: Database) -> None:
    """The draw issues quotas, so it calls ``ledger.check_open`` like every quota issue:
    while the office has paused sales the draw is refused whole, and runs once resumed."""
    pools = tradein.setup(database, year=rw.DAY1.year)  # the pools of the draw's budget year
    people = rw.consumers(database, 3)
    pool_id = pools[("cn.appliance", "central")]
    plan = rw.plan(pool_id, per_release=2, mode="lottery", entry_minutes=60)
    rw.define(database, plan)
    for person in people:
        assert isinstance(_enter(database, person, rw.at(rw.DAY1, 7, 10)), LotteryEntry)
    with database.unit_of_work() as session:
        rnd = session.scalars(select(ReleaseRound)).one()
        office = session.scalars(select(User).where(User.username == "office.140521")).one()
        office_actor = rw.actor(session, office.id)
        pausing.pause(session, office_actor, pool_id=pool_id, reason="资金清算")
    with pytest.raises(SalesPaused, match="专班办公室暂停：资金清算"):
        _draw(database, office.id, rnd.id, rw.at(rw.DAY1, 8, 1))
    with database.sessions() as session:
        assert session.get(ReleaseRound, rnd.id).drawn_at is None  # type: ignore[union-attr]
        assert not session.scalars(select(LotteryEntry).where(LotteryEntry.won)).all()
        assert session.scalar(select(func.count()).select_from(Quota)) == 0
    with database.unit_of_work() as session:
        pausing.resume(session, rw.actor(session, office.id), pool_id=pool_id, reason="清算完毕")
    _draw(database, office.id, rnd.id, rw.at(rw.DAY1, 8, 2))
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Quota)) == 2
