"""Stored scores, holds, reviewer decisions and the precision report, on both databases."""

from __future__ import annotations

import json

from sqlalchemy import func, select

import builders
from huanxin.claims.models import Claim
from huanxin.core.models import AuditEntry
from huanxin.db import Database
from huanxin.integrity.models import Referral, ReviewDecision, RiskReason, RiskScore
from huanxin.integrity.service.scores import held_claim_ids

from .review_world import INVOICE, build, decide


def _batch(db: Database, key: str) -> dict[str, object]:
    finance = builders.api_client(db, "finance.140521")
    r = finance.post("/api/v1/settlement/batches", headers={"Idempotency-Key": key})
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def _state(db: Database, claim_id: int) -> tuple[str, str | None]:
    with db.sessions() as session:
        claim = session.get(Claim, claim_id)
        score = session.scalars(select(RiskScore).where(RiskScore.claim_id == claim_id)).first()
        assert claim is not None
        return claim.state, score.status if score else None


def test_scan_db_holds_the_second_claim_of_an_invoice_and_the_batch_skips_it(
    database: Database,
) -> None:
    world = build(database)
    assert world.scan["claims"] == 2
    assert (world.scan["scored"], world.scan["held"], world.scan["released"]) == (1, 1, 0)
    with database.sessions() as session:
        assert held_claim_ids(session, [world.first, world.second]) == {world.second}
        reasons = list(session.scalars(select(RiskReason)))
        assert [(r.claim_id, r.detector, r.points) for r in reasons] == [
            (world.second, "duplicate_identifier", 80)
        ]
        assert f"发票号码“{INVOICE}”共出现在 2 笔申领中" in reasons[0].explanation
    _batch(database, "b1")
    assert _state(database, world.first) == ("batched", None)
    assert _state(database, world.second) == ("approved", "held")


def test_clear_releases_the_claim_to_the_next_batch_and_is_audited(database: Database) -> None:
    world = build(database)
    _batch(database, "b1")
    r = decide(database, world.second, "clear")
    assert r.json() == {
        "id": r.json()["id"],
        "claim_id": world.second,
        "decision": "clear",
        "status": "cleared",
    }
    _batch(database, "b2")
    assert _state(database, world.second) == ("batched", "cleared")
    with database.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "integrity.clear")
        ).one()
        assert (entry.object_id, json.loads(entry.detail)["detectors"]) == (
            str(world.second),
            ["duplicate_identifier"],
        )


def test_reject_cancels_a_point_of_sale_claim_through_the_lifecycle(database: Database) -> None:
    world = build(database)
    assert decide(database, world.second, "reject", "发票重复使用").json()["status"] == "rejected"
    assert _state(database, world.second) == ("cancelled", "rejected")
    again = decide(database, world.second, "clear")
    assert again.status_code == 409
    assert again.json()["code"] == "integrity_not_held"


def test_reject_without_a_reason_changes_nothing(database: Database) -> None:
    world = build(database)
    r = decide(database, world.second, "reject", "")
    assert r.status_code == 422
    assert r.json()["field"] == "note"
    assert _state(database, world.second) == ("approved", "held")
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0


def test_refer_keeps_the_claim_held_with_a_referral(database: Database) -> None:
    world = build(database)
    assert (
        decide(database, world.second, "refer", "疑似团伙，移送审计").json()["status"] == "referred"
    )
    with database.sessions() as session:
        referral = session.scalars(select(Referral)).one()
        assert (referral.claim_id, referral.note, referral.state) == (
            world.second,
            "疑似团伙，移送审计",
            "open",
        )
        assert held_claim_ids(session, [world.second]) == {world.second}
    _batch(database, "b1")
    assert _state(database, world.second) == ("approved", "referred")


def test_precision_report_counts_the_latest_decision_per_detector(database: Database) -> None:
    world = build(database)
    auditor = builders.api_client(database, "auditor.140521")
    assert auditor.get("/api/v1/integrity/precision").json() == []
    decide(database, world.second, "refer", "待查")
    decide(database, world.second, "reject", "查实")
    assert auditor.get("/api/v1/integrity/precision").json() == [
        {
            "detector": "duplicate_identifier",
            "cleared": 0,
            "rejected": 1,
            "referred": 0,
            "precision": 1.0,
        }
    ]


def test_a_reader_cannot_decide_and_other_roles_cannot_read(database: Database) -> None:
    world = build(database)
    r = decide(database, world.second, "clear", user="auditor.140521")
    assert r.status_code == 403
    assert _state(database, world.second) == ("approved", "held")
    consumer = builders.api_client(database, "consumer.140521")
    assert consumer.get("/api/v1/integrity/queue").status_code == 403
    queue = builders.api_client(database, "auditor.140521").get("/api/v1/integrity/queue").json()
    assert [(c["claim_id"], c["score"], c["status"]) for c in queue] == [(world.second, 80, "held")]


def test_an_office_of_another_jurisdiction_sees_nothing(database: Database) -> None:
    world = build(database)
    other = builders.api_client(database, "office.371525")
    assert other.get("/api/v1/integrity/queue").json() == []
    assert other.get(f"/api/v1/integrity/claims/{world.second}").status_code == 404
    assert decide(database, world.second, "clear", user="office.371525").status_code == 404
    assert _state(database, world.second) == ("approved", "held")


def test_a_rescan_after_clearing_keeps_the_decision(database: Database) -> None:
    from huanxin.integrity.cli import scan_database

    world = build(database)
    decide(database, world.second, "clear")
    again = scan_database(database.url)
    assert (again["scored"], again["held"]) == (1, 1)
    assert _state(database, world.second) == ("approved", "cleared")
