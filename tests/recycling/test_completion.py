"""Pickup completion: weighing, price paid, certificates usable once by a claim (conditional
UPDATE), the public check, and the reverse invoice refused beyond the per-person limit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select, update

import builders
from huanxin.core import identifiers, pii
from huanxin.core.clock import today_cn, utcnow
from huanxin.core.errors import InvalidInput
from huanxin.recycling.errors import CertificateAlreadyUsed
from huanxin.recycling.models import Certificate, ReverseInvoice
from huanxin.recycling.service import certificates, completion
from huanxin.recycling.service.certificates import consume_certificate

if TYPE_CHECKING:
    from conftest import RWorld

RID = "11010519491231002X"


def _completed(world: RWorld, key: str = "") -> dict[str, object]:
    return world.completed(key)


def test_completion_prices_weighed_items_and_issues_certificates(rworld: RWorld) -> None:
    done = _completed(rworld)
    assert done["paid_fen"] == 2 * 5000 + 2459  # 22.35 kg × 1.10 = 24.585 → 24.59 yuan
    assert done["weight_g"] == 123_850
    certs = done["certificates"]
    assert [c["number"][-2:] for c in certs] == ["01", "02"]  # type: ignore[index]
    check = builders.client(rworld.db).get("/api/v1/recycling/certificates/verify", params=certs[0])  # type: ignore[index]
    assert check.status_code == 200
    assert check.json() == {
        "number": certs[0]["number"],
        "category": "refrigerator",  # type: ignore[index]
        "category_label": "电冰箱",
        "weight_kg": "50.75",
        "issued_on": today_cn().isoformat(),
        "jurisdiction_code": "140521",
        "used": False,
    }
    wrong = builders.client(rworld.db).get(
        "/api/v1/recycling/certificates/verify",
        params={"number": certs[0]["number"], "code": "XXXX"},
    )  # type: ignore[index]
    assert wrong.status_code == 422 and wrong.json()["field"] == "recycling_cert_no"
    recycler = builders.api_client(rworld.db, "recycler.140521")
    booking_id = done["booking"]["id"]  # type: ignore[index]
    twice = recycler.post(
        f"/api/v1/recycling/bookings/{booking_id}/complete",
        headers={"Idempotency-Key": "d"},
        json={"lines": [{"category": "paper", "weight_kg": 1}], "payment_method": "cash"},
    )
    assert twice.status_code == 409 and twice.json()["field"] == "status"


def test_certificate_consumed_once_even_when_read_before(rworld: RWorld) -> None:
    cert = _completed(rworld)["certificates"][0]  # type: ignore[index]
    number, code = cert["number"], cert["code"]
    with rworld.db.unit_of_work() as s:
        with pytest.raises(InvalidInput) as bad:
            consume_certificate(s, number=number, code="ABCDEFGH", claim_ref="C-1")
        assert bad.value.field == "recycling_cert_no"
        with pytest.raises(InvalidInput):
            consume_certificate(s, number="RC000", code=code, claim_ref="C-1")
        with pytest.raises(InvalidInput):
            consume_certificate(s, number=number, code=code, claim_ref="C-1", category="television")
    with rworld.db.unit_of_work() as a:
        cached = a.scalars(select(Certificate).where(Certificate.number == number)).one()
        assert cached.used_claim_ref is None  # read first: this copy will go stale
        a.execute(
            update(Certificate)
            .where(Certificate.id == cached.id)
            .values(used_claim_ref="C-1")
            .execution_options(synchronize_session=False)
        )  # another claim wins
        with pytest.raises(CertificateAlreadyUsed) as used:
            consume_certificate(a, number=number, code=code, claim_ref="C-2")
        assert used.value.status == 409 and "已被" in used.value.message
        assert cached.used_claim_ref is None  # the stale read did not decide
    with rworld.db.unit_of_work() as a, pytest.raises(CertificateAlreadyUsed):
        consume_certificate(a, number=number, code=code, claim_ref="C-3", category="refrigerator")
    with rworld.db.sessions() as s:
        row = s.scalars(select(Certificate).where(Certificate.number == number)).one()
        assert row.used_claim_ref == "C-1"
        assert certificates.verify(s, number=number, code=code).used is True


def test_reverse_invoice_and_per_person_limit(rworld: RWorld) -> None:
    done = _completed(rworld)
    recycler = builders.api_client(rworld.db, "recycler.140521")
    url = f"/api/v1/recycling/pickups/{done['pickup_id']}/reverse-invoice"
    earlier = [_completed(rworld, "x")["pickup_id"], _completed(rworld, "y")["pickup_id"]]
    today = today_cn()  # the pickups were completed early, today
    with rworld.db.unit_of_work() as s:  # earlier invoices of the same person
        for pickup_id, (day, fen) in zip(
            earlier,
            (
                (date(today.year - 1, today.month, 1), 300_000_000),
                (date(today.year, today.month, 1), 499_990_000),
            ),
            strict=True,
        ):
            s.add(
                ReverseInvoice(
                    number=f"OLD{day:%Y%m}",
                    pickup_id=pickup_id,
                    org_id=rworld.org_id,
                    seller_name_enc=pii.seal("甲"),
                    seller_id_enc=pii.seal(RID),
                    seller_id_hash=pii.lookup_hash("resident_id", RID),
                    amount_fen=fen,
                    issued_on=day,
                    rule_id="sat_2024_5",
                    created_at=utcnow(),
                )
            )
    r = recycler.post(
        url,
        json={"seller_name": "张三", "seller_resident_id": RID},
        headers={"Idempotency-Key": "i"},
    )
    assert r.status_code == 409 and r.json()["code"] == "reverse_invoice_limit_exceeded"
    assert r.json()["field"] == "amount" and "5,000,000.00" in r.json()["message"]
    other = "11010519491231" + "003" + identifiers.resident_id_check_char("11010519491231003")
    ok = recycler.post(
        url,
        json={"seller_name": "李四", "seller_resident_id": other},
        headers={"Idempotency-Key": "j"},
    )
    assert ok.status_code == 201 and ok.json()["amount_fen"] == done["paid_fen"]
    again = recycler.post(
        url,
        json={"seller_name": "李四", "seller_resident_id": other},
        headers={"Idempotency-Key": "k"},
    )
    assert again.status_code == 409 and again.json()["field"] == "pickup_id"
    with rworld.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReverseInvoice)) == 3


def test_invoice_window_is_twelve_natural_months() -> None:
    assert completion.window_start(date(2026, 3, 31), 12) == date(2025, 4, 1)
    assert completion.window_start(date(2026, 12, 5), 12) == date(2026, 1, 1)
    assert completion.rule_on(date(2025, 1, 1)).limit_fen == 500_000_000
