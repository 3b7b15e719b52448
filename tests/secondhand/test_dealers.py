"""Dealer registration, real-name transactions (sealed, masked), grades, VINs, suspension."""

from __future__ import annotations

from sqlalchemy import func, select

from huanxin.core.models import AuditEntry
from huanxin.secondhand.models import Dealer, Transaction
from secondhand.shworld import (
    BUYER_ID,
    CAR_VIN,
    DEALER_USCC,
    SELLER_ID,
    World,
    post,
    register_dealers,
    txn,
)

URL = "/api/v1/secondhand"


def _count(w: World, model: type) -> int:
    with w.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_dealer_registration_checks_uscc_and_refuses_duplicates(world: World) -> None:
    office = world.api("office.140521")
    body = {
        "org_id": world.ids["dealer_org"],
        "kind": "dealer",
        "uscc": DEALER_USCC[:-1] + "0",
        "licence_no": "L1",
        "categories": ["phone"],
    }
    r = post(office, URL + "/dealers", body)
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["reason"]) == ("uscc", "checksum")
    assert _count(world, Dealer) == 0
    r = post(office, URL + "/dealers", {**body, "uscc": DEALER_USCC.lower()})
    assert r.status_code == 201
    assert (r.json()["uscc"], r.json()["categories"], r.json()["status"]) == (
        DEALER_USCC,
        ["phone"],
        "active",
    )
    again = post(office, URL + "/dealers", {**body, "uscc": DEALER_USCC})
    assert again.status_code == 409 and again.json()["field"] == "org_id"
    bad_scope = post(
        office,
        URL + "/dealers",
        {**body, "org_id": world.ids["platform_org"], "uscc": DEALER_USCC, "categories": ["boats"]},
    )
    assert bad_scope.status_code == 422 and bad_scope.json()["field"] == "categories"
    assert _count(world, Dealer) == 1


def test_transaction_parties_are_sealed_masked_and_revealed_with_audit(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    r = post(dealer, URL + "/transactions", txn())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["seller"] == {
        "name": "张*",
        "resident_id": SELLER_ID[:4] + "*" * 10 + SELLER_ID[-4:],
    }
    assert body["buyer"]["name"] == "李*"
    with world.db.sessions() as session:
        row = session.scalars(select(Transaction)).one()
        assert SELLER_ID not in row.seller_id_enc and "张三" not in row.seller_name_enc
    office = world.api("office.140521")
    listed = office.get(URL + "/transactions").json()
    assert [t["seller"]["name"] for t in listed] == ["张*"]
    before = _audits(world, "pii.revealed")
    full = office.get(URL + f"/transactions/{body['id']}/parties").json()
    assert full["seller"] == {"name": "张三", "resident_id": SELLER_ID}
    assert full["buyer"]["resident_id"] == BUYER_ID
    assert _audits(world, "pii.revealed") == before + 1


def _audits(w: World, action: str) -> int:
    with w.db.sessions() as session:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(session.scalar(stmt) or 0)


def test_bad_grade_bad_vin_and_out_of_scope_category_are_refused(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    r = post(dealer, URL + "/transactions", txn(grade="S"))
    assert (
        r.status_code == 422 and r.json()["field"] == "grade" and "成色等级" in r.json()["message"]
    )
    r = post(
        dealer, URL + "/transactions", txn(category="car", serial=CAR_VIN[:8] + "9" + CAR_VIN[9:])
    )
    assert r.status_code == 422 and (r.json()["field"], r.json()["reason"]) == (
        "serial",
        "checksum",
    )
    r = post(dealer, URL + "/transactions", txn(category="appliance"))
    assert r.status_code == 409 and r.json()["field"] == "category"
    r = post(dealer, URL + "/transactions", txn(seller_resident_id=SELLER_ID[:-1] + "0"))
    assert r.status_code == 422 and r.json()["field"] == "seller_resident_id"
    assert _count(world, Transaction) == 0
    ok = post(dealer, URL + "/transactions", txn(category="car", serial=CAR_VIN.lower()))
    assert ok.status_code == 201 and ok.json()["serial"] == CAR_VIN


def test_suspended_dealer_cannot_register_and_is_graded_d(world: World) -> None:
    ids = register_dealers(world)
    office, dealer = world.api("office.140521"), world.api("dealer.140521")
    r = post(
        office,
        URL + f"/dealers/{ids['dealer']}/status",
        {"status": "suspended", "reason": "无证经营"},
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    refused = post(dealer, URL + "/transactions", txn())
    assert refused.status_code == 409 and refused.json()["code"] == "dealer_suspended"
    assert "无证经营" in refused.json()["message"]
    assert _count(world, Transaction) == 0
    suspended = office.get(URL + "/dealers", params={"status": "suspended"}).json()
    assert [d["id"] for d in suspended] == [ids["dealer"]]
    credit = office.get(URL + f"/dealers/{ids['dealer']}/credit").json()
    assert (credit["score"], credit["grade"]) == (100, "D")
    assert credit["reasons"] == ["经营者已被暂停登记（无证经营），评为D级"]


def test_other_county_office_gets_404(world: World) -> None:
    ids = register_dealers(world)
    other = world.api("office.371525")
    assert other.get(URL + f"/dealers/{ids['dealer']}/credit").status_code == 404
    assert other.get(URL + "/dealers").json() == []


def test_used_car_indicator_against_2023_baseline(world: World) -> None:
    from huanxin.secondhand.service.dealers import used_car_indicator
    from secondhand.shworld import vin

    register_dealers(world)
    office, dealer = world.api("office.140521"), world.api("dealer.140521")
    r = post(
        office,
        URL + "/car-baselines",
        {
            "jurisdiction_code": "140521",
            "count": 40,
            "target_growth_bp": 4500,
            "source": "沁水县方案：2023年基数（演示）",
        },
    )
    assert r.status_code == 200
    for n, day in enumerate(["2023-05-01", "2026-01-10", "2026-02-10", "2026-03-10"]):
        car = vin("LSVAM418", f"C210000{n}")
        assert (
            post(
                dealer, URL + "/transactions", txn(category="car", serial=car, traded_on=day)
            ).status_code
            == 201
        )
    with world.db.sessions() as session:
        result = used_car_indicator(session, jurisdiction_codes=["140521"], year=2026)
        empty = used_car_indicator(session, jurisdiction_codes=["371525"], year=2026)
    assert (result.count, result.baseline, result.target_count) == (3, 40, 58)
    assert (result.growth_bp, result.target_growth_bp, result.met) == (-9250, 4500, False)
    assert (empty.count, empty.baseline, empty.growth_bp) == (0, None, None)
    api = office.get(URL + "/indicators/used-cars", params={"year": 2023}).json()
    assert api["count"] == 1
