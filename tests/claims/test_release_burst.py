"""The 07:00 burst's cheap 已领完: once a process has answered 已领完 for today's round of a
place and category, the next claims there read only that round's counter (after the key), get
the same answer, and never a wrong one: a key that succeeded is replayed, a round that is
no longer full sends the claim the whole way."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select, update

import builders
import releases_world as rw
import tradein
from huanxin.claims.models import Quota, ReleaseRound
from huanxin.claims.service import allotments, releases
from huanxin.core.clock import today_cn
from huanxin.db import Database


def _define(database: Database, per_release: int) -> None:
    pools = tradein.setup(database)
    office = builders.api_client(database, "office.140521")
    today = today_cn().isoformat()
    body = {
        "programme_id": "cn.appliance",
        "category": "refrigerator",
        "jurisdiction_code": "140521",
        "pool_id": pools[("cn.appliance", "central")],
        "first_day": today,
        "last_day": today,
        "release_time": "00:00",
        "per_release": per_release,
    }
    r = office.post("/api/v1/quota-releases", json=body, headers={"Idempotency-Key": "d1"})
    assert r.status_code == 201, r.text


def _claim(database: Database, username: str, key: str) -> tuple[Any, list[str]]:
    """The answer and the statements the server ran for it."""
    client = builders.api_client(database, username)
    client.get("/api/v1/quotas")  # the caller's token is resolved (and cached) here
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        answer = client.post(
            "/api/v1/quotas", json={"category": "电冰箱"}, headers={"Idempotency-Key": key}
        )
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return answer, seen


def test_sold_out_is_answered_from_the_full_round_and_keys_still_replay(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases.forget_sold_out()
    monkeypatch.setattr(allotments, "RECHECK_SECONDS", 3600.0)  # however slow the machine
    _define(database, per_release=1)
    rw.consumers(database, 3)
    first, _ = _claim(database, "burst.c0", "k0")
    assert first.status_code == 201, first.text
    full, slow = _claim(database, "burst.c1", "k1")
    assert full.status_code == 409 and full.json()["code"] == "quota_sold_out"
    fast, cheap = _claim(database, "burst.c2", "k2")
    assert fast.status_code == 409 and fast.json() == full.json()
    assert "已领完" in fast.json()["message"] and len(cheap) < len(slow) and len(cheap) <= 3
    assert not [s for s in cheap if "quota_release" in s]  # the round is known full: not read
    again, _ = _claim(database, "burst.c0", "k0")  # the winner's retry after the round filled
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_a_round_that_is_not_full_sends_the_claim_the_whole_way(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases.forget_sold_out()
    monkeypatch.setattr(allotments, "RECHECK_SECONDS", 0.0)  # read the counter every time
    _define(database, per_release=1)
    rw.consumers(database, 3)
    assert _claim(database, "burst.c0", "k0")[0].status_code == 201
    assert _claim(database, "burst.c1", "k1")[0].status_code == 409
    with database.unit_of_work() as session:  # the counter is not full any more
        session.execute(update(ReleaseRound).values(offered=ReleaseRound.offered + 1))
    taken, _ = _claim(database, "burst.c2", "k2")
    assert taken.status_code == 201, taken.text
    assert _claim(database, "burst.c1", "k1b")[0].json()["code"] == "quota_sold_out"


def _counts(database: Database) -> tuple[int, int]:
    with database.sessions() as session:
        issued = session.scalar(select(ReleaseRound.issued))
        held = session.scalar(select(func.count()).select_from(Quota))
    return int(issued or 0), int(held or 0)


class _Undone(Exception):
    pass


def test_a_claim_rolled_back_gives_its_quota_to_the_next_and_exit_returns_the_rest(
    database: Database,
) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 5)
    rw.define(database, rw.plan(pools[("cn.appliance", "central")], per_release=3))
    now = rw.at(rw.DAY1, 7, 0)
    assert isinstance(rw.claim(database, people[0], now), Quota)  # opens the round
    with pytest.raises(_Undone), database.unit_of_work() as session:
        rw.claim_in(session, people[1], now)
        raise _Undone  # e.g. the commit fails: the quota is not issued
    assert _counts(database)[1] == 1
    if database.engine.dialect.name == "postgresql":
        assert _counts(database)[0] == 2  # this process holds the seat given back
        allotments.give_back()  # at exit: the unused seats go back to the counter
    assert _counts(database) == (1, 1)
    got = [rw.claim(database, p, now) for p in people[1:]]
    assert [isinstance(q, Quota) for q in got] == [True, True, False, False]
    assert _counts(database) == (3, 3)


def test_a_quota_rolled_back_is_issued_to_the_next_claimant(database: Database) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 4)
    rw.define(database, rw.plan(pools[("cn.appliance", "central")], per_release=2))
    now = rw.at(rw.DAY1, 7, 0)
    assert isinstance(rw.claim(database, people[0], now), Quota)
    with pytest.raises(_Undone), database.unit_of_work() as session:
        rw.claim_in(session, people[1], now)
        raise _Undone
    got = [rw.claim(database, p, now) for p in people[1:]]
    assert [isinstance(q, Quota) for q in got] == [True, False, False]
    assert _counts(database) == (2, 2)
