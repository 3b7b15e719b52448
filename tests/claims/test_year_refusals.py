"""Issue 17's bad input through the API and the pages (the service-level refusals are tested
beside each feature): a quota-release schedule overlapping another on the page, a lottery
entry after the close by API and page, a statement for a month not closed by page and by the
download link, each naming the field or period and the reason, nothing saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

import builders
import releases_world as rw
import settled_world
import tradein
from huanxin.claims.models import ClosedPeriod, LotteryEntry, QuotaRelease, ReleaseRound
from huanxin.core.clock import today_cn, utcnow
from huanxin.db import Database


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def _count(db: Database, model: type) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_overlapping_release_schedule_is_refused_on_the_page(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=100_000_000)
    office = builders.web_client(database, "office.140521")
    form = {
        "csrf_token": _csrf(office.get("/quota-releases").text),
        "programme_id": "cn.appliance",
        "category": "refrigerator",
        "jurisdiction_code": "140521",
        "pool_id": str(pools[("cn.appliance", "central")]),
        "first_day": "2026-12-10",
        "last_day": "2026-12-19",
        "release_time": "07:00",
        "per_release": "5",
        "day_cap": "1",
        "month_cap": "4",
        "mode": "first_come",
    }
    assert office.post("/quota-releases", data=form).status_code == 303
    clash = office.post("/quota-releases", data={**form, "first_day": "2026-12-15"})
    assert clash.status_code == 422
    assert "起始日期：与已有发放计划（2026-12-10至2026-12-19）时间重叠" in clash.text
    assert 'value="2026-12-15"' in clash.text  # what was typed stays in the form
    assert _count(database, QuotaRelease) == 1


def test_a_lottery_entry_after_the_close_is_refused_by_api_and_page(database: Database) -> None:
    pools = tradein.setup(database)
    people = rw.consumers(database, 2)
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
    first = builders.api_client(database, "burst.c0")
    url = f"/api/v1/quota-releases/{release_id}/entries"
    assert first.post(url, headers={"Idempotency-Key": "e1"}).status_code == 201
    with database.unit_of_work() as session:  # the entry time runs out
        closed_at = utcnow() - timedelta(minutes=1)
        session.execute(update(ReleaseRound).values(entries_close_at=closed_at))
    late = builders.api_client(database, "burst.c1").post(url, headers={"Idempotency-Key": "e2"})
    assert late.status_code == 409 and late.json()["code"] == "lottery_closed", late.text
    assert "本场摇号报名已于" in late.json()["message"] and "不再接受报名" in late.json()["message"]
    assert late.json()["field"] == "release_id"
    page = builders.web_client(database, "consumer.140521")
    refused = page.post(
        f"/my/lottery/{release_id}", data={"csrf_token": _csrf(page.get("/my").text)}
    )
    assert refused.status_code == 409 and "不再接受报名" in refused.text
    assert _count(database, LotteryEntry) == 1 and people


def test_a_statement_of_a_month_not_closed_is_refused_on_the_pages(database: Database) -> None:
    settled_world.build(database)
    month = f"{today_cn():%Y-%m}"
    finance = builders.web_client(database, "finance.140521")
    form = {"csrf_token": _csrf(finance.get("/statements").text), "month": month}
    refused = finance.post("/statements/months", data=form)
    assert refused.status_code == 409 and "尚未结束" in refused.text, refused.text[-2000:]
    assert _count(database, ClosedPeriod) == 0
    merchant = builders.web_client(database, "merchant.140521")
    download = merchant.get(f"/api/v1/statements/{month}.xlsx")
    assert download.status_code == 409 and f"{month}尚未结账" in download.json()["message"]
