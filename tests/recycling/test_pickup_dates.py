"""A pickup is not completed before its booked day unless the reason is recorded, and never
dated after today; the refusals name the dates and leave the booking open."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import func, select

import builders
from huanxin.core.clock import today_cn
from huanxin.core.models import AuditEntry
from huanxin.recycling.models import Booking, Certificate, Pickup

if TYPE_CHECKING:
    from conftest import RWorld

LINES = [{"category": "refrigerator", "condition": "intact", "units": 1, "weight_kg": 58.5}]


def test_early_pickup_needs_a_reason_and_a_future_one_is_refused(rworld: RWorld) -> None:
    consumer = builders.api_client(rworld.db, "consumer.140521")
    booking = consumer.post(
        "/api/v1/recycling/bookings", json=rworld.body(rworld.day), headers={"Idempotency-Key": "b"}
    ).json()
    recycler = builders.api_client(rworld.db, "recycler.140521")
    url = f"/api/v1/recycling/bookings/{booking['id']}/complete"
    body = {"lines": LINES, "payment_method": "cash", "site_id": rworld.transfer_id}
    today, tomorrow = today_cn().isoformat(), rworld.day.isoformat()
    early = recycler.post(url, json=body, headers={"Idempotency-Key": "e"})
    assert early.status_code == 422
    assert early.json() == {
        "code": "pickup_date_impossible",
        "field": "early_reason",
        "message": f"该预约约定{tomorrow}上门，{today}早于约定日期：提前上门须填写提前原因",
    }
    future = recycler.post(
        url,
        json={**body, "completed_on": tomorrow, "early_reason": "x"},
        headers={"Idempotency-Key": "f"},
    )
    assert future.status_code == 422 and future.json()["field"] == "completed_on"
    assert f"完成日期{tomorrow}晚于今天（{today}）" in future.json()["message"]
    with rworld.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Pickup)) == 0
        assert session.get(Booking, booking["id"]).status == "booked"  # type: ignore[union-attr]
    done = recycler.post(
        url,
        json={**body, "early_reason": "居民出差，约定提前上门"},
        headers={"Idempotency-Key": "ok"},
    )
    assert done.status_code == 201, done.text
    with rworld.db.sessions() as session:
        cert = session.scalars(select(Certificate)).one()
        assert cert.issued_on == today_cn() != rworld.day
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "recycling.pickup_completed")
        ).one()
        assert json.loads(entry.detail) == {
            "booked_for": tomorrow,
            "early_reason": "居民出差，约定提前上门",
        }


def test_pickup_page_asks_for_the_reason_before_the_booked_day(rworld: RWorld) -> None:
    consumer = builders.api_client(rworld.db, "consumer.140521")
    booking = consumer.post(
        "/api/v1/recycling/bookings", json=rworld.body(rworld.day), headers={"Idempotency-Key": "b"}
    ).json()
    page = builders.web_client(rworld.db, "recycler.140521")
    form = page.get(f"/recycling/pickup/{booking['id']}").text
    assert 'name="early_reason"' in form and f"约定{rworld.day.isoformat()}上门" in form
    csrf = form.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]
    data = {
        "csrf_token": csrf,
        "category0": "refrigerator",
        "weight0": "58.5",
        "condition0": "intact",
        "category1": "paper",
        "weight1": "20",
        "payment_method": "cash",
    }
    refused = page.post(f"/recycling/pickup/{booking['id']}", data=data)
    assert refused.status_code == 422
    assert "提前上门须填写提前原因" in refused.text and "（early_reason）" not in refused.text
