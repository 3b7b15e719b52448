"""Wipe certificates (resale refused without one, public check), valuation, credit grades and
the platform credit API."""

from __future__ import annotations

from sqlalchemy import func, select

from huanxin.core.models import AuditEntry
from huanxin.secondhand.models import Transaction, WipeCertificate
from secondhand.shworld import DEALER_USCC, World, post, register_dealers, txn, wipe

URL = "/api/v1/secondhand"


def _resales(w: World) -> int:
    with w.db.sessions() as session:
        stmt = (
            select(func.count()).select_from(Transaction).where(Transaction.direction == "resale")
        )
        return int(session.scalar(stmt) or 0)


def test_resale_of_a_phone_needs_a_valid_certificate_bound_to_its_serial(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    r = post(dealer, URL + "/transactions", txn(direction="resale"))
    assert r.status_code == 409 and r.json()["code"] == "wipe_certificate_required"
    assert r.json()["field"] == "certificate_no"
    failed = post(dealer, URL + "/wipes", wipe(verified=False)).json()
    assert failed["certificate"] is None and failed["operator"] == "王*"
    other = post(dealer, URL + "/wipes", wipe(serial="860000000000999")).json()["certificate"]
    wrong = post(
        dealer, URL + "/transactions", txn(direction="resale", certificate_no=other["cert_no"])
    )
    assert wrong.status_code == 409 and "序列号不符" in wrong.json()["message"]
    cert = post(dealer, URL + "/wipes", wipe()).json()["certificate"]
    assert cert["status"] == "valid" and len(cert["verify_code"]) == 12
    assert _resales(world) == 0
    ok = post(
        dealer, URL + "/transactions", txn(direction="resale", certificate_no=cert["cert_no"])
    )
    assert ok.status_code == 201 and ok.json()["certificate_id"] is not None
    again = post(
        dealer, URL + "/transactions", txn(direction="resale", certificate_no=cert["cert_no"])
    )
    assert again.status_code == 409 and "已被使用" in again.json()["message"]
    assert _resales(world) == 1


def test_new_wipe_revokes_the_earlier_certificate_and_public_check_shows_no_person(
    world: World,
) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    first = post(dealer, URL + "/wipes", wipe()).json()["certificate"]
    second = post(dealer, URL + "/wipes", wipe(method="clear")).json()["certificate"]
    anonymous = world.client()
    old = anonymous.get(URL + "/certificates/check", params={"code": first["verify_code"]})
    assert old.status_code == 200 and old.json()["status"] == "revoked"
    code = second["verify_code"]
    spaced = f"{code[:4]}-{code[4:8]} {code[8:].lower()}"
    body = anonymous.get(URL + "/certificates/check", params={"code": spaced}).json()
    assert body["status"] == "valid" and body["serial"] == "860000000000001"
    assert (body["method"], body["issuer"], body["verified"]) == (
        "clear",
        "沁水诚信二手手机店",
        True,
    )
    assert not {"operator", "operator_name", "seller", "buyer"} & set(body)
    assert "王五" not in str(body)
    missing = anonymous.get(URL + "/certificates/check", params={"code": "AAAABBBBCCCC"})
    assert missing.status_code == 404 and missing.json()["code"] == "wipe_certificate_not_found"
    with world.db.sessions() as session:
        states = session.scalars(select(WipeCertificate.status).order_by(WipeCertificate.id)).all()
    assert states == ["revoked", "valid"]


def test_estimate_uses_median_iqr_and_states_confidence(world: World) -> None:
    register_dealers(world)
    dealer = world.api("dealer.140521")
    prices = [100000, 110000, 120000, 130000, 400000]
    for n, price in enumerate(prices):
        body = txn(
            serial=f"86000000000010{n}", price_fen=price, traded_on="2026-02-01", made_year=2024
        )
        assert post(dealer, URL + "/transactions", body).status_code == 201
    consumer = world.api("consumer.140521")
    q = {"category": "phone", "model": "mate 40", "made_year": 2024, "grade": "B"}
    est = consumer.get(URL + "/estimate", params=q)
    assert est.status_code == 200, est.text
    cell = est.json()["acquire"]
    assert (cell["n"], cell["median_fen"], cell["q1_fen"], cell["q3_fen"]) == (
        5,
        120000,
        110000,
        130000,
    )
    assert (cell["mad_fen"], cell["confidence"]) == (10000, "low")
    assert (
        est.json()["resale"]["confidence"] == "none" and est.json()["resale"]["median_fen"] is None
    )
    older = consumer.get(URL + "/estimate", params={**q, "made_year": 2023}).json()["acquire"]
    assert older["median_fen"] == 120000 and "合并机龄" in older["basis"]
    bad = consumer.get(URL + "/estimate", params={**q, "grade": "Z"})
    assert bad.status_code == 422 and bad.json()["field"] == "grade"
    guide = world.api("office.140521").get(URL + "/price-guide").json()
    assert [(g["model"], g["age"], g["n"], g["median_fen"]) for g in guide] == [
        ("Mate 40", 2, 5, 120000)
    ]
    enterprise = world.api("ent-a.140521")
    assert (
        enterprise.get(URL + "/trade/estimate", params=q).json()["acquire"]["median_fen"] == 120000
    )


def test_valuer_reports_only_from_registered_valuers(world: World) -> None:
    register_dealers(world)
    body = {
        "category": "computer",
        "brand": "联想",
        "model": "ThinkPad X1",
        "serial": "PF2ABC12",
        "grade": "C",
        "value_fen": 320000,
        "valued_on": "2026-03-01",
    }
    refused = post(world.api("dealer.140521"), URL + "/valuation-reports", body)
    assert refused.status_code == 403
    r = post(world.api("valuer.140521"), URL + "/valuation-reports", body)
    assert r.status_code == 201 and r.json()["report_no"] == f"VR2026{r.json()['id']:08d}"
    assert [
        x["value_fen"] for x in world.api("office.140521").get(URL + "/valuation-reports").json()
    ] == [320000]


def test_credit_grade_follows_the_stated_rule(world: World) -> None:
    ids = register_dealers(world)
    consumer, office = world.api("consumer.140521"), world.api("office.140521")
    c = post(
        consumer,
        URL + "/complaints",
        {"dealer_id": ids["dealer"], "description": "翻新机冒充", "occurred_on": "2026-03-01"},
    )
    assert c.status_code == 201 and c.json()["outcome"] == "pending"
    grade = office.get(URL + f"/dealers/{ids['dealer']}/credit").json()
    assert (grade["score"], grade["grade"], grade["reasons"]) == (
        100,
        "A",
        ["待处理投诉或纠纷1起（不扣分）"],
    )
    assert (
        post(
            office, URL + f"/credit-events/{c.json()['id']}/resolve", {"outcome": "upheld"}
        ).status_code
        == 200
    )
    again = post(office, URL + f"/credit-events/{c.json()['id']}/resolve", {"outcome": "rejected"})
    assert again.status_code == 409
    for kind, outcome, severity in (
        ("violation", "confirmed", "serious"),
        ("fulfilment", "breached", "normal"),
        ("fulfilment", "fulfilled", "normal"),
    ):
        r = post(
            office,
            URL + "/credit-events",
            {
                "dealer_id": ids["dealer"],
                "kind": kind,
                "outcome": outcome,
                "severity": severity,
                "description": "记录",
                "occurred_on": "2026-02-01",
            },
        )
        assert r.status_code == 201, r.text
    grade = office.get(URL + f"/dealers/{ids['dealer']}/credit").json()
    assert (grade["score"], grade["grade"]) == (50, "D")
    assert grade["reasons"] == [
        "投诉成立1起，扣5分",
        "履约未按约履行1起，扣5分",
        "严重违规1起，扣40分",
    ]


def test_platform_reads_grades_through_the_audited_api(world: World) -> None:
    ids = register_dealers(world)
    platform = world.api("platform.140521")

    def reads() -> int:
        with world.db.sessions() as session:
            stmt = select(func.count()).where(AuditEntry.action == "secondhand.credit_read")
            return int(session.scalar(stmt) or 0)

    r = platform.get(URL + f"/credit/grades/{DEALER_USCC}")
    assert r.status_code == 200 and (r.json()["grade"], r.json()["name"]) == (
        "A",
        "沁水诚信二手手机店",
    )
    assert reads() == 1
    assert platform.get(URL + "/credit/grades/91000000000000000X").status_code == 404
    assert platform.get(URL + f"/credit/grades/{DEALER_USCC.lower()}").status_code == 200
    assert reads() == 2  # answered reads are audited; a 404 rolls back with its request
    plain = world.api("dealer.140521").get(URL + f"/credit/grades/{DEALER_USCC}")
    assert plain.status_code == 403
    assert (
        world.api("consumer.140521").get(URL + f"/credit/grades/{DEALER_USCC}").status_code == 403
    )
    assert platform.get(URL + "/credit/suspended").json() == []
    office = world.api("office.140521")
    post(
        office,
        URL + f"/dealers/{ids['dealer']}/status",
        {"status": "suspended", "reason": "无证经营"},
    )
    listed = platform.get(URL + "/credit/suspended").json()
    assert [(d["uscc"], d["name"], d["status_reason"]) for d in listed] == [
        (DEALER_USCC, "沁水诚信二手手机店", "无证经营")
    ]
    assert platform.get(URL + f"/credit/grades/{DEALER_USCC}").json()["grade"] == "D"
    assert world.api("valuer.140521").get(URL + "/credit/suspended").status_code == 403
