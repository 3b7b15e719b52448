"""Tap-to-call: drivers and dispatchers see the pickup's address and a masked mobile; the
call link asks the server, which checks who is calling, audits the reveal and hands the
full number to the phone's dialler (303 to ``tel:``) without writing it into any page."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import builders
from huanxin.core import orgs
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import CHINA_TZ
from huanxin.core.models import AuditEntry
from huanxin.recycling.models import PlanStop
from huanxin.recycling.service import bookings, dispatching

if TYPE_CHECKING:
    from conftest import RWorld

PHONE = "13800138000"


def _book(world: RWorld, phone: str = PHONE) -> int:
    before = datetime.combine(world.day, time(6), CHINA_TZ).astimezone(UTC)
    items = [bookings.ItemIn("paper", 1, 20_000, "any")]
    new = bookings.BookingIn(
        "沁水县龙港镇梅河街1号", 35.70, 112.20, world.day, 9 * 3600, 12 * 3600, items, phone
    )
    with world.db.unit_of_work() as s:
        return bookings.create_booking(s, world.actor("consumer.140521"), new, now=before).id


def _plan(world: RWorld) -> None:
    with world.db.unit_of_work() as s:
        dispatching.plan_for_day(
            s, world.actor("office.140521"), jurisdiction_code="140521", day=world.day, seconds=1
        )


def _tap(client: TestClient, booking_id: int) -> httpx.Response:
    """Tap the call link. httpx cannot parse a ``tel:`` redirect target (it has no host),
    so the request goes to the app's transport without the client's redirect handling."""
    request = client.build_request("GET", f"/recycling/bookings/{booking_id}/call")
    response = client._transport.handle_request(request)
    response.read()
    return response


def _reveals(world: RWorld) -> int:
    with world.db.sessions() as s:
        stmt = select(func.count()).select_from(AuditEntry)
        return s.scalar(stmt.where(AuditEntry.action == "recycling.phone_revealed")) or 0


def _other_recycler(world: RWorld) -> None:
    with world.db.unit_of_work() as s:
        other = orgs.ensure(
            s, SYSTEM, kind="recycler", name="另一家回收企业", jurisdiction_code="140521"
        )
        builders.create_user(s, "recycler", username="recycler2.140521", org_id=other.id)


def test_driver_and_dispatcher_call_through_the_server_and_each_call_is_audited(
    rworld: RWorld,
) -> None:
    booking_id = _book(rworld)
    _plan(rworld)
    with rworld.db.sessions() as s:
        assert s.scalar(select(PlanStop.id).where(PlanStop.booking_id == booking_id))
    driver = builders.web_client(rworld.db, "recycler.140521")
    page = driver.get(f"/recycling/pickup/{booking_id}").text
    assert "沁水县龙港镇梅河街1号" in page and "138****8000" in page and PHONE not in page
    assert f'href="/recycling/bookings/{booking_id}/call"' in page
    call = _tap(driver, booking_id)
    assert call.status_code == 303 and call.headers["location"] == f"tel:{PHONE}"
    assert PHONE not in call.text
    office = builders.web_client(rworld.db, "office.140521")
    assert _tap(office, booking_id).headers["location"] == (f"tel:{PHONE}")
    assert _reveals(rworld) == 2


def test_others_are_refused_and_nothing_is_audited(rworld: RWorld) -> None:
    booking_id = _book(rworld)
    _plan(rworld)
    _other_recycler(rworld)
    consumer = builders.web_client(rworld.db, "consumer.140521")
    assert _tap(consumer, booking_id).status_code == 403
    rival = builders.web_client(rworld.db, "recycler2.140521")
    refused = _tap(rival, booking_id)
    assert refused.status_code == 403 and PHONE not in refused.text
    assert "其他回收企业" in refused.text
    elsewhere = builders.web_client(rworld.db, "consumer.371525")
    assert _tap(elsewhere, booking_id).status_code in (403, 404)
    assert "138****8000" not in consumer.get(f"/recycling/pickup/{booking_id}").text
    assert _reveals(rworld) == 0


def test_an_unplanned_booking_can_be_called_by_any_recycler_of_its_area(rworld: RWorld) -> None:
    booking_id = _book(rworld)
    _other_recycler(rworld)
    rival = builders.web_client(rworld.db, "recycler2.140521")
    assert _tap(rival, booking_id).status_code == 303
    assert _reveals(rworld) == 1


def test_a_booking_without_a_phone_answers_in_chinese(rworld: RWorld) -> None:
    booking_id = _book(rworld, phone="")
    driver = builders.web_client(rworld.db, "recycler.140521")
    assert 'href="/recycling/bookings/' not in driver.get(f"/recycling/pickup/{booking_id}").text
    r = _tap(driver, booking_id)
    assert r.status_code == 422 and "该预约没有留联系电话" in r.text
    assert _reveals(rworld) == 0
