"""What a claim captures for the fraud detectors: store, till and reported location of a
redemption, the consumer's linkage encodings, the payee account of an application."""

from __future__ import annotations

import json

from sqlalchemy import select

import builders
import tradein
from huanxin.claims.models import Claim, MerchantStore
from huanxin.core import clk, pii
from huanxin.db import Database

CAR = {
    "new_vehicle": "nev",
    "old_vehicle_scrapped": True,
    "old_vehicle_fuel": "petrol",
    "old_vehicle_emission_standard": 3,
    "old_vehicle_registered_on": "2010-03-01",
    "old_vehicle_owned_since": "2015-06-01",
}


def _quota(db: Database) -> str:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/quotas",
        json={"category": "refrigerator", "on_date": "2025-06-01"},
        headers={"Idempotency-Key": "q-1"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["code"])


def _store_and_till(db: Database) -> int:
    merchant = builders.api_client(db, "merchant.140521")
    store = {"store_name": "沁水旗舰店", "address": "沁水县龙港镇1号", "lat": 35.69, "lon": 112.19}
    r = merchant.post("/api/v1/merchant/stores", json=store, headers={"Idempotency-Key": "s1"})
    assert r.status_code == 201, r.text
    store_id = int(r.json()["id"])
    again = merchant.post("/api/v1/merchant/stores", json=store, headers={"Idempotency-Key": "s2"})
    assert again.status_code == 409 and again.json()["code"] == "site_already_registered"
    till = {"store_id": store_id, "terminal_id": "pos-01"}
    r = merchant.post("/api/v1/merchant/tills", json=till, headers={"Idempotency-Key": "t1"})
    assert r.status_code == 201 and r.json()["terminal_id"] == "POS-01", r.text
    assert [t["terminal_id"] for t in merchant.get("/api/v1/merchant/tills").json()] == ["POS-01"]
    return store_id


def test_redemption_records_till_store_location_and_encodings(database: Database) -> None:
    tradein.setup(database)
    store_id = _store_and_till(database)
    merchant = builders.api_client(database, "merchant.140521")
    body = tradein.sale(
        quota_code=_quota(database),
        terminal_id="POS-01",
        redeem_lat=35.7,
        redeem_lon=112.2,
        delivery_address="沁水县幸福路 12 号 3栋-201室",
    )
    unknown = merchant.post(
        "/api/v1/redemptions",
        json={**body, "terminal_id": "POS-99"},
        headers={"Idempotency-Key": "x"},
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_till"
    half = {**body, "redeem_lon": None}
    r = merchant.post("/api/v1/redemptions", json=half, headers={"Idempotency-Key": "y"})
    assert r.status_code == 422 and r.json()["code"] == "bad_location"
    r = merchant.post("/api/v1/redemptions", json=body, headers={"Idempotency-Key": "r"})
    assert r.status_code == 201, r.text
    with database.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert (claim.store_id, claim.terminal_id) == (store_id, "POS-01")
        assert (claim.redeem_lat, claim.redeem_lon) == (35.7, 112.2)
        assert claim.address_enc and pii.unseal(claim.address_enc) == body["delivery_address"]
        assert claim.address_key == pii.lookup_hash("address", "沁水县幸福路123201")
        assert claim.name_clk == clk.encode("name", "consumer140521")
        assert claim.address_clk == clk.encode("address", "沁水县幸福路12号3栋201")
        assert claim.cap_fen is not None and claim.cap_fen > 0


def test_application_records_payee_account_sealed(database: Database) -> None:
    tradein.setup(database)
    consumer = builders.api_client(database, "consumer.140521")
    form = {
        "category": "passenger_car",
        "price_fen": "15000000",
        "purchase_date": "2025-03-10",
        "vin": tradein.VIN,
        "payee_account": "6217 0000 0000 0000 004",
        "attributes": json.dumps(CAR),
    }
    bad = consumer.post(
        "/api/v1/applications",
        data={**form, "payee_account": "6217000000000000005"},
        files={"file": ("invoice.pdf", b"%PDF-1.4 test", "application/pdf")},
        headers={"Idempotency-Key": "bad"},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "payee_account"
    assert "银行卡号" in bad.json()["message"]
    r = consumer.post(
        "/api/v1/applications",
        data=form,
        files={"file": ("invoice.pdf", b"%PDF-1.4 test", "application/pdf")},
        headers={"Idempotency-Key": "a"},
    )
    assert r.status_code == 201, r.text
    with database.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert (
            claim.payee_account_enc and pii.unseal(claim.payee_account_enc) == "6217000000000000004"
        )
        assert claim.payee_account_key == pii.lookup_hash("bank_account", "6217000000000000004")
        assert claim.vin_key == pii.lookup_hash("vin", tradein.VIN)


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def test_merchant_registers_store_and_till_on_the_page_and_redeems_at_it(
    database: Database,
) -> None:
    tradein.setup(database)
    page = builders.web_client(database, "merchant.140521")
    csrf = _csrf(page.get("/merchant/sites").text)
    bad = page.post(
        "/merchant/stores",
        data={"csrf_token": csrf, "store_name": "沁水店", "lat": "北纬35", "lon": "112.19"},
    )
    assert bad.status_code == 422 and "纬度" in bad.text and 'value="沁水店"' in bad.text
    ok = page.post(
        "/merchant/stores",
        data={"csrf_token": csrf, "store_name": "沁水店", "lat": "35.69", "lon": "112.19"},
    )
    assert ok.status_code == 303
    listed = page.get("/merchant/sites").text
    assert "沁水店" in listed and "35.69000" in listed
    with database.sessions() as session:
        store_id = session.scalars(select(MerchantStore.id)).one()
    till = page.post(
        "/merchant/tills", data={"csrf_token": csrf, "store_id": str(store_id), "terminal_id": "t9"}
    )
    assert till.status_code == 303 and "T9" in page.get("/merchant/sites").text
    form = page.get("/merchant/redeem").text
    assert '<option value="T9"' in form and 'id="redeem-lat"' in form
    data = {
        "csrf_token": csrf,
        "quota_code": _quota(database),
        "category": "冰箱",
        "product_model": "BCD-500",
        "device_serial": "SN0009",
        "grade": "1",
        "price": "5999",
        "invoice_no": "25142000000012345678",
        "purchase_date": "2025-06-01",
        "terminal_id": "T9",
        "redeem_lat": "35.7",
        "redeem_lon": "经度",
    }
    refused = page.post("/merchant/redeem", data=data)
    assert refused.status_code == 422 and "核销位置经度" in refused.text
    done = page.post("/merchant/redeem", data={**data, "redeem_lon": "112.2"})
    assert done.status_code == 303, done.text
    with database.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert (claim.store_id, claim.terminal_id, claim.redeem_lon) == (store_id, "T9", 112.2)
