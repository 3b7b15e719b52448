"""Timed quota releases: a schedule releases N quotas a day at a set time; a burst gets
exactly N, each person at most the daily and monthly caps, the rest a clear 已领完; quotas
unused at midnight return to the next day's release; a schedule that cannot be kept is
refused whole, naming the field."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import func, select, update

import builders
import releases_world as rw
import tradein
from huanxin.claims.errors import QuotaLimitReached, QuotaSoldOut, ReleaseNotOpen
from huanxin.claims.models import Quota, QuotaRelease, ReleaseRound
from huanxin.core.clock import today_cn
from huanxin.db import Database


def _round(db: Database, day: date) -> ReleaseRound:
    with db.sessions() as session:
        return session.scalars(select(ReleaseRound).where(ReleaseRound.day == day)).one()


def test_release_issues_exactly_n_within_caps_and_returns_unused(database: Database) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 5)
    rw.define(database, rw.plan(pools[("cn.appliance", "central")]))
    early = rw.claim(database, people[0], rw.at(rw.DAY1, 6, 59))
    assert isinstance(early, ReleaseNotOpen) and "下次发放：12月10日 07:00" in str(early)
    got = [rw.claim(database, p, rw.at(rw.DAY1, 7, 0)) for p in people]
    assert [isinstance(q, Quota) for q in got] == [True, True, True, False, False]
    assert isinstance(got[3], QuotaSoldOut) and "已领完" in str(got[3])
    assert "下次发放：12月11日 07:00" in str(got[3])
    again = rw.claim(database, people[0], rw.at(rw.DAY1, 8, 0))
    assert isinstance(again, QuotaLimitReached) and "每人每日限1张" in str(again)
    assert _round(database, rw.DAY1).issued == 3
    with database.unit_of_work() as session:  # one of day 1's quotas is used at a till
        session.execute(update(Quota).where(Quota.id == got[0].id).values(state="used"))  # type: ignore[union-attr]
    day2 = rw.DAY1 + timedelta(days=1)
    second = [rw.claim(database, p, rw.at(day2, 9, 0)) for p in people]
    assert all(isinstance(q, Quota) for q in second)  # 3 new + 2 returned = 5 offered
    held = _round(database, day2)
    assert (held.offered, held.carried_in, held.issued) == (5, 2, 5)
    with database.sessions() as session:
        states = dict(
            session.execute(
                select(Quota.state, func.count())
                .where(Quota.period_key == rw.DAY1.isoformat())
                .group_by(Quota.state)
            ).all()
        )
    assert states == {"used": 1, "expired": 2}
    third = rw.claim(database, people[0], rw.at(day2 + timedelta(days=1), 7, 30))
    assert isinstance(third, QuotaLimitReached) and "已达每月上限" in str(third)


def test_concurrent_claims_issue_exactly_the_round(database: Database) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 24)
    rw.define(database, rw.plan(pools[("cn.appliance", "central")], per_release=7, day_cap=2))
    now = rw.at(
        rw.DAY1,
        7,
        0,
    )
    with ThreadPoolExecutor(8) as pool:  # every person twice: 48 claims on 7 quotas
        results = list(pool.map(lambda p: rw.claim(database, p, now), people + people))
    issued = [r for r in results if isinstance(r, Quota)]
    assert len(issued) == 7 and _round(database, rw.DAY1).issued == 7
    assert all(isinstance(r, QuotaSoldOut) for r in results if not isinstance(r, Quota))
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Quota)) == 7


def _releases(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(QuotaRelease)) or 0


BAD_PLANS = [
    ({"per_release": 1000}, "per_release", "超过资金池可用余额"),
    ({"release_time": "7点"}, "release_time", "发放时间"),
    ({"last_day": "2026-12-01"}, "last_day", "早于起始日期"),
    ({"day_cap": 3, "month_cap": 2}, "month_cap", "不能少于每日限领"),
    ({"category": "car"}, "category", "该政策不含此品类"),
    ({"mode": "lottery"}, "entry_minutes", "报名时长"),
]


def test_a_schedule_that_cannot_be_kept_is_refused_whole(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=100_000_000)  # 1,000,000 yuan per pool
    office = builders.api_client(database, "office.140521")
    body = {
        "programme_id": "cn.appliance",
        "category": "refrigerator",
        "jurisdiction_code": "140521",
        "pool_id": pools[("cn.appliance", "central")],
        "first_day": "2026-12-10",
        "last_day": "2026-12-19",
        "release_time": "07:00",
        "per_release": 3,
    }
    for n, (change, field, words) in enumerate(BAD_PLANS):
        r = office.post(
            "/api/v1/quota-releases", json={**body, **change}, headers={"Idempotency-Key": f"x{n}"}
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "release_plan_invalid" and r.json()["field"] == field
        assert words in r.json()["message"]
    assert _releases(database) == 0


def test_overlapping_schedule_is_refused_and_the_api_serves_the_release(
    database: Database,
) -> None:
    pools = tradein.setup(database)
    office = builders.api_client(database, "office.140521")
    today = today_cn()
    body = {
        "programme_id": "cn.appliance",
        "category": "refrigerator",
        "jurisdiction_code": "140521",
        "pool_id": pools[("cn.appliance", "central")],
        "first_day": today.isoformat(),
        "last_day": today.isoformat(),
        "release_time": "00:00",
        "per_release": 2,
    }
    r = office.post("/api/v1/quota-releases", json=body, headers={"Idempotency-Key": "d1"})
    assert r.status_code == 201, r.text
    again = office.post("/api/v1/quota-releases", json=body, headers={"Idempotency-Key": "d1"})
    assert again.json()["id"] == r.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    clash = office.post("/api/v1/quota-releases", json=body, headers={"Idempotency-Key": "d2"})
    assert clash.status_code == 422 and clash.json()["field"] == "first_day"
    assert "时间重叠" in clash.json()["message"] and _releases(database) == 1
    consumer = builders.api_client(database, "consumer.140521")
    q = consumer.post(
        "/api/v1/quotas", json={"category": "电冰箱"}, headers={"Idempotency-Key": "q1"}
    )
    assert q.status_code == 201, q.text
    listed = consumer.get("/api/v1/quota-releases").json()
    assert [x["per_release"] for x in listed] == [2] and listed[0]["mode_label"] == "先到先得"
    rounds = office.get(f"/api/v1/quota-releases/{r.json()['id']}/rounds").json()
    assert [(x["offered"], x["issued"]) for x in rounds] == [(2, 1)]
    away = builders.api_client(database, "office.371525")
    assert away.get(f"/api/v1/quota-releases/{r.json()['id']}/rounds").status_code == 404


def test_office_defines_a_schedule_on_the_page_and_the_consumer_sees_the_next_release(
    database: Database,
) -> None:
    pools = tradein.setup(database, amount_fen=100_000_000)
    office = builders.web_client(database, "office.140521")
    page = office.get("/quota-releases")
    assert page.status_code == 200 and "保存发放计划" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf,
        "programme_id": "cn.appliance",
        "category": "冰箱",
        "jurisdiction_code": "140521",
        "pool_id": str(pools[("cn.appliance", "central")]),
        "first_day": "2026-12-10",
        "last_day": "2026-12-19",
        "release_time": "07:00",
        "per_release": "1000",
        "day_cap": "1",
        "month_cap": "4",
        "mode": "first_come",
    }
    refused = office.post("/quota-releases", data=form)
    assert refused.status_code == 422 and "每次发放数量：" in refused.text
    assert "超过资金池可用余额" in refused.text and _releases(database) == 0
    saved = office.post("/quota-releases", data={**form, "per_release": "5"})
    assert saved.status_code == 303, saved.text
    detail = office.get(saved.headers["location"])
    assert "每日 07:00 发放 5 张" in detail.text and "12-10 07:00" in detail.text
    listing = builders.web_client(database, "consumer.140521").get("/my")
    assert 'id="next-releases"' in listing.text and "电冰箱" in listing.text
