"""After the sale: verify, settle through the bank file, returns and clawbacks, applications,
review and appeals, and the state machine's refusals."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

import builders
import tradein
from huanxin.claims.models import Claim, Clawback, Quota
from huanxin.db import Database
from huanxin.ledger import service as ledger

PDF = b"%PDF-1.4\n% test evidence\n"
CHECKLIST = [
    "id_info",
    "scrap_certificate",
    "deregistration_certificate",
    "vehicle_sales_invoice",
    "new_vehicle_registration",
    "bank_account",
]
CAR = {
    "new_vehicle": "nev",
    "old_vehicle_scrapped": True,
    "old_vehicle_fuel": "petrol",
    "old_vehicle_emission_standard": 3,
    "old_vehicle_registered_on": "2010-03-01",
    "old_vehicle_owned_since": "2015-06-01",
}


def _redeem(db: Database, serial: str = "SN0001", category: str = "refrigerator") -> int:
    consumer = builders.api_client(db, "consumer.140521")
    code = consumer.post(
        "/api/v1/quotas",
        json={"category": category, "on_date": "2025-06-01"},
        headers={"Idempotency-Key": f"q-{serial}"},
    ).json()["code"]
    merchant = builders.api_client(db, "merchant.140521")
    r = merchant.post(
        "/api/v1/redemptions",
        headers={"Idempotency-Key": f"r-{serial}"},
        json=tradein.sale(quota_code=code, device_serial=serial, category=category),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _settle(db: Database, outcome: str) -> dict[str, object]:
    finance = builders.api_client(db, "finance.140521")
    batch = finance.post(
        "/api/v1/settlement/batches",
        headers={"Idempotency-Key": f"b-{len(outcome)}-{outcome.encode().hex()}"},
    ).json()
    rows = list(
        csv.reader(
            io.StringIO(
                finance.get(f"/api/v1/settlement/batches/{batch['id']}/bank-file").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["付款单号", "结果", "银行流水号", "失败原因"])
    for row in rows[1:]:
        writer.writerow([row[1], outcome, "BANK1" if outcome == "成功" else "", "账户冻结"])
    files = {"file": ("result.csv", out.getvalue().encode("utf-8"), "text/csv")}
    r = finance.post(
        f"/api/v1/settlement/batches/{batch['id']}/result",
        files=files,
        headers={"Idempotency-Key": f"result-{batch['id']}"},
    )
    assert r.status_code == 200, r.text
    return {"batch": batch, "result": r.json(), "rows": rows, "files": files}


def test_verify_settle_pay_commits_spending(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    claim_id = _redeem(database)
    office = builders.api_client(database, "office.140521")
    assert (
        office.post(
            f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "v"}
        ).json()["state"]
        == "approved"
    )
    done = _settle(database, "成功")
    assert done["result"] == {"paid": 1, "failed": 0, "unchanged": 0}
    claim = office.get(f"/api/v1/claims/{claim_id}").json()
    assert claim["state"] == "paid"
    with database.sessions() as session:
        b = ledger.pool_balances(session, pools[("cn.appliance", "central")])
        assert (b.reserved, b.spent) == (0, 107982)
        assert ledger.check(session) == []
    # importing the same result again pays nothing twice
    finance = builders.api_client(database, "finance.140521")
    again = finance.post(
        f"/api/v1/settlement/batches/{done['batch']['id']}/result",
        files=done["files"],
        headers={"Idempotency-Key": "result-again"},
    )  # type: ignore[index]
    assert again.json() == {"paid": 0, "failed": 0, "unchanged": 1}


def test_failed_payment_is_requeued(database: Database) -> None:
    tradein.setup(database)
    claim_id = _redeem(database)
    builders.api_client(database, "office.140521").post(
        f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "v"}
    )
    done = _settle(database, "失败")
    assert done["result"] == {"paid": 0, "failed": 1, "unchanged": 0}
    claim = builders.api_client(database, "office.140521").get(f"/api/v1/claims/{claim_id}").json()
    assert claim["state"] == "approved"


def test_bank_result_not_in_utf8_is_refused_and_pays_nothing(database: Database) -> None:
    tradein.setup(database)
    claim_id = _redeem(database)
    office = builders.api_client(database, "office.140521")
    office.post(f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "v"})
    finance = builders.api_client(database, "finance.140521")
    batch = finance.post("/api/v1/settlement/batches", headers={"Idempotency-Key": "b"}).json()
    gbk = "付款单号,结果,银行流水号,失败原因\n1,成功,B1,\n".encode("gbk")
    r = finance.post(
        f"/api/v1/settlement/batches/{batch['id']}/result",
        files={"file": ("result.csv", gbk, "text/csv")},
        headers={"Idempotency-Key": "result-gbk"},
    )
    assert r.status_code == 422 and r.json()["code"] == "upload_unreadable"
    assert "文件不是UTF-8编码的CSV" in r.json()["message"]
    assert office.get(f"/api/v1/claims/{claim_id}").json()["state"] == "batched"  # not paid


def test_return_after_payment_claws_back_and_nets_next_batch(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    office = builders.api_client(database, "office.140521")
    first = _redeem(database, "SN0001")
    office.post(f"/api/v1/claims/{first}/verify", json={}, headers={"Idempotency-Key": "v1"})
    _settle(database, "成功")
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        f"/api/v1/claims/{first}/return",
        json={"returned_on": "2025-06-20"},
        headers={"Idempotency-Key": "ret"},
    )
    assert r.status_code == 200 and r.json()["state"] == "returned"
    with database.sessions() as session:
        b = ledger.pool_balances(session, pools[("cn.appliance", "central")])
        assert (b.available, b.reserved, b.spent) == (1_000_000, 0, 0)
        clawback = session.scalars(select(Clawback)).one()
        assert clawback.netted_in_item_id is None
    second = _redeem(database, "SN0002", "television")
    office.post(f"/api/v1/claims/{second}/verify", json={}, headers={"Idempotency-Key": "v2"})
    finance = builders.api_client(database, "finance.140521")
    batch = finance.post("/api/v1/settlement/batches", headers={"Idempotency-Key": "b2"}).json()
    rows = list(
        csv.reader(
            io.StringIO(
                finance.get(f"/api/v1/settlement/batches/{batch['id']}/bank-file").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    claim_two = office.get(f"/api/v1/claims/{second}").json()
    claim_one = office.get(f"/api/v1/claims/{first}").json()
    net = claim_two["subsidy_fen"] - claim_one["subsidy_fen"]
    assert rows[1][4] == f"{net // 100}.{net % 100:02d}"


def test_return_outside_window_is_refused(database: Database) -> None:
    tradein.setup(database)
    claim_id = _redeem(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        f"/api/v1/claims/{claim_id}/return",
        json={"returned_on": "2026-06-01"},
        headers={"Idempotency-Key": "ret"},
    )
    assert r.status_code == 409 and r.json()["code"] == "return_window_closed"


def test_cancel_releases_budget_and_quota(database: Database) -> None:
    pools = tradein.setup(database, amount_fen=1_000_000)
    claim_id = _redeem(database)
    merchant = builders.api_client(database, "merchant.140521")
    r = merchant.post(
        f"/api/v1/claims/{claim_id}/cancel",
        json={"reason": "录入错误"},
        headers={"Idempotency-Key": "c"},
    )
    assert r.json()["state"] == "cancelled"
    with database.sessions() as session:
        assert (
            ledger.pool_balances(session, pools[("cn.appliance", "central")]).available == 1_000_000
        )
        assert session.scalars(select(Quota.state)).one() == "issued"
    again = merchant.post(
        f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "x"}
    )
    assert again.status_code == 403  # merchants do not review
    office = builders.api_client(database, "office.140521")
    illegal = office.post(
        f"/api/v1/claims/{claim_id}/verify", json={}, headers={"Idempotency-Key": "y"}
    )
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"


def _apply(db: Database) -> int:
    consumer = builders.api_client(db, "consumer.140521")
    r = consumer.post(
        "/api/v1/applications",
        headers={"Idempotency-Key": "app"},
        data={
            "category": "passenger_car",
            "price_fen": "15000000",
            "purchase_date": "2025-03-10",
            "evidence_kind": "invoice",
            "attributes": json.dumps(CAR),
            "vin": tradein.VIN,
        },
        files={"file": ("invoice.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "submitted"
    return int(r.json()["id"])


def test_application_reject_appeal_other_reviewer_approves(database: Database) -> None:
    tradein.setup(database)
    claim_id = _apply(database)
    office = builders.api_client(database, "office.140521")
    rejected = office.post(
        f"/api/v1/claims/{claim_id}/reject",
        json={"reason": "发票模糊"},
        headers={"Idempotency-Key": "rej"},
    )
    assert rejected.json()["state"] == "rejected"
    consumer = builders.api_client(database, "consumer.140521")
    appeal = consumer.post(
        f"/api/v1/claims/{claim_id}/appeal",
        data={"reason": "补充清晰发票"},
        files={"file": ("new.pdf", PDF, "application/pdf")},
        headers={"Idempotency-Key": "ap"},
    )
    assert appeal.json()["state"] == "appealed"
    same = office.post(
        f"/api/v1/claims/{claim_id}/approve", json={}, headers={"Idempotency-Key": "s"}
    )
    assert same.status_code == 409 and same.json()["code"] == "appeal_not_allowed"
    other = builders.api_client(database, "department.140521")
    partial = other.post(
        f"/api/v1/claims/{claim_id}/approve",
        json={"checklist": ["id_info"]},
        headers={"Idempotency-Key": "p"},
    )
    assert partial.status_code == 422 and partial.json()["field"] == "checklist"
    assert "报废机动车回收证明" in partial.json()["message"]
    ok = other.post(
        f"/api/v1/claims/{claim_id}/approve",
        json={"checklist": CHECKLIST},
        headers={"Idempotency-Key": "o"},
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved", ok.text
    second = consumer.post(
        f"/api/v1/claims/{claim_id}/appeal",
        data={"reason": "再次"},
        files={"file": ("n.pdf", PDF, "application/pdf")},
        headers={"Idempotency-Key": "ap2"},
    )
    assert second.status_code == 409


def test_application_refuses_non_pdf_evidence(database: Database) -> None:
    tradein.setup(database)
    consumer = builders.api_client(database, "consumer.140521")
    r = consumer.post(
        "/api/v1/applications",
        headers={"Idempotency-Key": "app"},
        data={"category": "ebike", "price_fen": "300000", "purchase_date": "2024-10-01"},
        files={"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert r.status_code == 422 and r.json()["field"] == "file"


def test_application_after_the_programme_deadline_is_refused(database: Database) -> None:
    """The 2024 car-scrappage rule took applications until 10 Jan 2025; filed later, the
    application is refused with the deadline named and nothing is stored."""
    tradein.setup(database)
    consumer = builders.api_client(database, "consumer.140521")
    r = consumer.post(
        "/api/v1/applications",
        headers={"Idempotency-Key": "late"},
        data={
            "category": "passenger_car",
            "price_fen": "15000000",
            "purchase_date": "2024-09-10",
            "evidence_kind": "invoice",
            "attributes": json.dumps(CAR),
            "vin": tradein.VIN,
        },
        files={"file": ("invoice.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 409 and r.json()["code"] == "not_eligible", r.text
    assert "申请截止日期为2025-01-10" in r.json()["message"]
    with database.sessions() as session:
        assert session.scalars(select(Claim)).all() == []
