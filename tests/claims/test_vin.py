"""Car claims carry the new vehicle's VIN: validated (ISO 3779 check digit), sealed, unique
per subsidy across all jurisdictions by a database constraint, shown masked."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import builders
import tradein
from huanxin.claims.models import Claim, Evidence
from huanxin.core import pii
from huanxin.core.clock import utcnow
from huanxin.db import Database

PDF = b"%PDF-1.4\n% car evidence\n"
CAR = {
    "new_vehicle": "nev",
    "old_vehicle_scrapped": True,
    "old_vehicle_fuel": "petrol",
    "old_vehicle_emission_standard": 3,
    "old_vehicle_registered_on": "2010-03-01",
    "old_vehicle_owned_since": "2015-06-01",
}


def _apply(db: Database, username: str, vin: str | None, key: str = "k") -> object:
    data = {
        "category": "passenger_car",
        "price_fen": "15000000",
        "purchase_date": "2025-03-10",
        "attributes": json.dumps(CAR),
    }
    if vin is not None:
        data["vin"] = vin
    return builders.api_client(db, username).post(
        "/api/v1/applications",
        data=data,
        headers={"Idempotency-Key": key},
        files={"file": ("invoice.pdf", PDF, "application/pdf")},
    )


def _stored(db: Database) -> tuple[int, int]:
    with db.sessions() as session:
        claims = session.scalar(select(func.count()).select_from(Claim)) or 0
        files = session.scalar(select(func.count()).select_from(Evidence)) or 0
    return claims, files


@pytest.mark.parametrize(
    ("vin", "message"),
    [
        (None, "汽车补贴申请须填写新车车架号(VIN)"),
        ("LSVAU2A32S1000001", "车架号(VIN)校验位错误"),
        ("LSVAU2A3IS1000001", "车架号(VIN)格式不正确（应为17位字母或数字，不含I、O、Q）"),
        ("LSVAU2A31S100000", "车架号(VIN)格式不正确（应为17位字母或数字，不含I、O、Q）"),
    ],
)
def test_bad_or_missing_vin_is_refused_naming_the_field(
    database: Database, vin: str | None, message: str
) -> None:
    tradein.setup(database)
    r = _apply(database, "consumer.140521", vin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "vin" and r.json()["message"] == message
    assert _stored(database) == (0, 0)


def test_vin_is_sealed_masked_and_unique_across_counties(database: Database) -> None:
    tradein.setup(database)
    first = _apply(database, "consumer.140521", tradein.VIN.lower())
    assert first.status_code == 201, first.text
    assert first.json()["vin_masked"] == "LSV**********0001"
    with database.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert tradein.VIN not in (claim.vin_enc or "")
        assert pii.unseal(claim.vin_enc or "") == tradein.VIN
        assert claim.vin_key == pii.lookup_hash("vin", tradein.VIN)
    before = _stored(database)
    again = _apply(database, "consumer.371525", tradein.VIN, key="other")  # another province
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "vehicle_already_subsidised"
    assert again.json()["message"] == "该车辆（车架号）已申请或享受过补贴，同一辆车只能补贴一次"
    assert _stored(database) == before
    other_car = _apply(database, "consumer.371525", tradein.OTHER_VIN, key="other2")
    assert other_car.status_code == 201, other_car.text
    office = builders.api_client(database, "office.140521")
    shown = office.get(f"/api/v1/claims/{first.json()['id']}").json()
    assert shown["vin_masked"] == "LSV**********0001"


def test_the_database_refuses_a_second_claim_for_one_vin(database: Database) -> None:
    """Not a read-then-write in Python: the unique key holds for any writer."""
    tradein.setup(database)
    assert _apply(database, "consumer.140521", tradein.VIN).status_code == 201
    with database.sessions() as session:
        row = session.scalars(select(Claim)).one()
        copy = {c.name: getattr(row, c.key) for c in Claim.__table__.columns if c.name != "id"}
        copy["jurisdiction_code"], copy["created_at"] = "371525", utcnow()
        session.add(Claim(**copy))
        with pytest.raises(IntegrityError):
            session.flush()


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"', maxsplit=1)[0]


def test_car_application_page(database: Database) -> None:
    tradein.setup(database)
    page = builders.web_client(database, "consumer.140521")
    form = page.get("/my/car")
    assert form.status_code == 200 and "新车车架号（VIN，17位）" in form.text
    data = {
        "csrf_token": _csrf(form.text),
        "vin": "LSVAU2A32S1000001",
        "new_vehicle": "nev",
        "fuel_displacement_ml": "",
        "price": "150000.00",
        "purchase_date": "2025-03-10",
        "disposal": "scrapped",
        "old_vehicle_fuel": "petrol",
        "old_vehicle_emission_standard": "3",
        "old_vehicle_registered_on": "2010-03-01",
        "old_vehicle_owned_since": "2015-06-01",
    }
    files = {"files": ("invoice.pdf", PDF, "application/pdf")}
    bad = page.post("/my/car", data=data, files=files)
    assert bad.status_code == 422 and "车架号(VIN)校验位错误" in bad.text
    assert 'value="LSVAU2A32S1000001"' in bad.text  # the form keeps what was typed
    ok = page.post("/my/car", data={**data, "vin": tradein.VIN}, files=files)
    assert ok.status_code == 303, ok.text
    detail = page.get(ok.headers["location"])
    assert "LSV**********0001" in detail.text and tradein.VIN not in detail.text
    twice = page.post("/my/car", data={**data, "vin": tradein.VIN}, files=files)
    assert twice.status_code == 409 and "同一辆车只能补贴一次" in twice.text
    assert _stored(database) == (1, 1)
