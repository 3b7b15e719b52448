"""Two provinces and the national registry: a key sold in one province refuses the sale
in the other with a reason naming the province; a cancellation gives the key back; an
outage holds or refuses per programme; the queue drains into confirmed claims or matches
that both provinces resolve; nothing held is ever paid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bench.federation_world import PHONE, PURCHASE
from federation_harness import Deployment, Federated
from huanxin.claims.models import Claim, Quota
from huanxin.claims.service import lifecycle, settle
from huanxin.core.errors import Conflict
from huanxin.federation import matches
from huanxin.federation.drain import drain
from huanxin.federation.models import MatchRecord, NationalClaim
from huanxin.federation.registry.models import HeldKey

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("federation")]


def _claims(dep: Deployment) -> int:
    with dep.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Claim)) or 0)


def _quota_state(dep: Deployment, person: int, category: str) -> str:
    assert dep.province.quotas is not None
    with dep.db.sessions() as session:
        code = dep.province.quotas[(person, category)]
        return str(session.scalar(select(Quota.state).where(Quota.code == code)))


def _key_state(dep: Deployment, claim_id: int) -> str | None:
    with dep.db.sessions() as session:
        row = session.get(NationalClaim, claim_id)
        return row.state if row else None


def test_a_device_sold_in_one_province_is_refused_in_the_other(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    first = fed.a.redeem(p, "refrigerator", "SN-DUP-0001")
    assert first.status_code == 201, first.text
    before = _claims(fed.b)
    second = fed.b.redeem(q, "refrigerator", "sn-dup-0001 ")
    assert second.status_code == 409
    assert second.json()["code"] == "national_key_held"
    assert second.json()["field"] == "device_serial"
    assert "山西省" in second.json()["message"]
    assert _claims(fed.b) == before  # nothing stored in Shandong
    assert _quota_state(fed.b, q, "refrigerator") == "issued"
    assert _key_state(fed.a, first.json()["id"]) == "confirmed"


def test_one_person_one_category_one_period_nationally(fed: Federated) -> None:
    p = next(fed.people)
    assert fed.a.redeem(p, "television", "SN-PERSON-A1").status_code == 201
    refused = fed.b.redeem(p, "television", "SN-PERSON-B1")
    assert refused.status_code == 409
    assert refused.json()["field"] == "quota_code"
    assert (
        refused.json()["message"] == "该消费者本期该品类的补贴资格已在山西省使用，不能重复享受补贴"
    )
    # another category is another key
    assert fed.b.redeem(p, "washing_machine", "SN-PERSON-B2").status_code == 201


def test_a_retry_answers_the_same_and_claims_nothing_twice(fed: Federated) -> None:
    p = next(fed.people)
    first = fed.a.redeem(p, "computer", "SN-RETRY-1", key="retry-1")
    again = fed.a.redeem(p, "computer", "SN-RETRY-1", key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    with fed.registry_db.sessions() as session:
        refs = session.scalars(
            select(HeldKey.ref).where(
                HeldKey.holder == "140000", HeldKey.ref == f"claim:{first.json()['id']}"
            )
        )
        assert len(list(refs)) == 2  # the person's slot and the device serial, once each


def test_cancelling_gives_the_keys_back(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    sold = fed.a.redeem(p, "refrigerator", "SN-CANCEL-1")
    with fed.a.db.unit_of_work() as session:
        lifecycle.cancel(session, fed.a.actor(), claim_id=sold.json()["id"], reason="顾客退单")
    assert _key_state(fed.a, sold.json()["id"]) == "released"
    assert fed.b.redeem(q, "refrigerator", "SN-CANCEL-1").status_code == 201


def test_a_return_keeps_a_consumed_quota_but_frees_the_device(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    sold = fed.a.redeem(p, "washing_machine", "SN-RETURN-1")
    with fed.a.db.unit_of_work() as session:
        lifecycle.record_return(
            session,
            fed.a.actor(),
            claim_id=sold.json()["id"],
            returned_on=PURCHASE + timedelta(days=7),
        )
    # the 2025 programme consumes the quota on return: the person key stays held
    assert fed.b.redeem(p, "washing_machine", "SN-RETURN-2").status_code == 409
    assert fed.b.redeem(q, "washing_machine", "SN-RETURN-1").status_code == 201


def test_outage_refuses_where_the_programme_says_refuse(fed: Federated) -> None:
    p = next(fed.people)
    before = _claims(fed.a)
    fed.take_down()
    refused = fed.a.redeem(p, PHONE, "IMEI-REFUSE-1")
    assert refused.status_code == 503
    assert refused.json()["code"] == "registry_unavailable"
    assert "暂停核销" in refused.json()["message"]
    assert _claims(fed.a) == before
    fed.bring_back()
    assert fed.a.redeem(p, PHONE, "IMEI-REFUSE-1").status_code == 201


def _batch(dep: Deployment) -> set[int]:
    """Claims a payment batch takes now (approved first; the batch is rolled back)."""
    with dep.db.sessions() as session:
        ids = list(session.scalars(select(Claim.id).where(Claim.state == "reserved")))
        for claim_id in ids:
            lifecycle.verify(session, dep.actor(), claim_id=claim_id)
        try:
            batch = settle.create_batch(session, dep.actor("finance"))
        except Conflict:
            session.rollback()
            return set()
        taken = set(session.scalars(select(Claim.id).where(Claim.batch_id == batch.id)))
        session.rollback()
        return taken


def test_outage_holds_then_drains_into_a_match_both_provinces_resolve(fed: Federated) -> None:
    p, q, r = next(fed.people), next(fed.people), next(fed.people)
    held_first = fed.a.redeem(p, "refrigerator", "SN-OUTAGE-DUP").json()["id"]
    fed.take_down()
    dup = fed.b.redeem(q, "refrigerator", "SN-OUTAGE-DUP")
    clean = fed.b.redeem(r, "refrigerator", "SN-OUTAGE-CLEAN")
    assert dup.status_code == clean.status_code == 201  # the appliance programme holds
    dup_id, clean_id = dup.json()["id"], clean.json()["id"]
    assert _key_state(fed.b, dup_id) == _key_state(fed.b, clean_id) == "pending"
    taken = _batch(fed.b)
    assert dup_id not in taken and clean_id not in taken  # held out of payment
    assert drain(fed.b.db, fed.b.fed).reachable is False  # still away: nothing moves
    fed.bring_back()
    result = drain(fed.b.db, fed.b.fed)
    assert (result.confirmed, result.duplicates, result.remaining) == (1, 1, 0)
    assert _key_state(fed.b, clean_id) == "confirmed"
    assert _key_state(fed.b, dup_id) == "duplicate"
    taken = _batch(fed.b)
    assert clean_id in taken and dup_id not in taken  # no duplicate is ever paid

    drain(fed.a.db, fed.a.fed)  # Shanxi sees the match too
    with fed.a.db.sessions() as session:
        theirs = session.scalars(
            select(MatchRecord).where(MatchRecord.claim_id == held_first)
        ).one()
        assert (theirs.side, theirs.other_name, theirs.status) == ("holder", "山东省", "open")
    with fed.b.db.unit_of_work() as session:
        ours = matches.queue(session, fed.b.actor())
        mine = next(m for m in ours if m.claim_id == dup_id)
        assert (mine.side, mine.other_name) == ("challenger", "山西省")
        matches.resolve(session, fed.b.actor(), fed.b.fed, match_id=mine.id, disposition="withdraw")
    with fed.a.db.unit_of_work() as session:
        matches.resolve(session, fed.a.actor(), fed.a.fed, match_id=theirs.id, disposition="keep")
    drain(fed.b.db, fed.b.fed)
    with fed.b.db.sessions() as session:
        assert session.get(Claim, dup_id).state == "cancelled"  # type: ignore[union-attr]
        closed = session.scalars(select(MatchRecord).where(MatchRecord.claim_id == dup_id)).one()
        assert (closed.status, closed.outcome) == ("closed", "holder_keeps")
        assert closed.their_disposition == "keep"


def test_the_holder_gives_way_and_the_held_claim_is_confirmed(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    first = fed.a.redeem(p, "computer", "SN-GIVEWAY").json()["id"]
    fed.take_down()
    second = fed.b.redeem(q, "computer", "SN-GIVEWAY").json()["id"]
    fed.bring_back()
    drain(fed.b.db, fed.b.fed)
    drain(fed.a.db, fed.a.fed)
    with fed.a.db.unit_of_work() as session:
        rec = session.scalars(select(MatchRecord).where(MatchRecord.claim_id == first)).one()
        matches.resolve(session, fed.a.actor(), fed.a.fed, match_id=rec.id, disposition="withdraw")
    with fed.b.db.unit_of_work() as session:
        rec = session.scalars(select(MatchRecord).where(MatchRecord.claim_id == second)).one()
        matches.resolve(session, fed.b.actor(), fed.b.fed, match_id=rec.id, disposition="keep")
    assert _key_state(fed.b, second) == "pending"  # the key is free again: claim it
    drain(fed.b.db, fed.b.fed)
    assert _key_state(fed.b, second) == "confirmed"
    with fed.a.db.sessions() as session:
        assert session.get(Claim, first).state == "cancelled"  # type: ignore[union-attr]


def test_a_decision_needs_the_registry(fed: Federated) -> None:
    p, q = next(fed.people), next(fed.people)
    fed.a.redeem(p, "television", "SN-DECIDE")
    fed.take_down()
    second = fed.b.redeem(q, "television", "SN-DECIDE").json()["id"]
    fed.bring_back()
    drain(fed.b.db, fed.b.fed)
    fed.take_down()
    with fed.b.db.sessions() as session:
        rec = session.scalars(select(MatchRecord).where(MatchRecord.claim_id == second)).one()
        with pytest.raises(Exception, match="暂时无法连接"):
            matches.resolve(
                session, fed.b.actor(), fed.b.fed, match_id=rec.id, disposition="withdraw"
            )
        session.rollback()
        assert session.get(Claim, second).state == "reserved"  # type: ignore[union-attr]


def test_a_province_publishes_aggregates_to_the_national_view(fed: Federated) -> None:
    from federation_harness import ADMIN_TOKEN
    from huanxin.federation import rollup

    p = next(fed.people)
    fed.a.redeem(p, "refrigerator", "SN-ROLLUP-1")
    with fed.a.db.sessions() as session:
        sent = rollup.publish(session, fed.a.fed, PURCHASE)
    assert sent["claims"] >= 1 and sent["claims_reserved"] >= 1
    assert all(isinstance(v, int) for v in sent.values())  # aggregates only: no rows
    view = fed.registry.get(
        "/registry/v1/national", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ).json()
    shanxi = next(row for row in view if row["code"] == "140000")
    assert shanxi["name"] == "山西省" and shanxi["figures"] == sent


def test_a_queued_claim_stays_unpaid_with_no_registry_configured(fed: Federated) -> None:
    """A deployment restarted without a registry still holds what it queued."""
    from huanxin.claims.service import national
    from huanxin.federation.service import LocalHolds
    from huanxin.federation.wiring import install

    p = next(fed.people)
    fed.take_down()
    queued = fed.b.redeem(p, "television", "SN-UNWIRED-1").json()["id"]
    install(fed.b.db, None)
    national.install(fed.b.db.engine, LocalHolds())
    try:
        assert queued not in _batch(fed.b)
    finally:
        install(fed.b.db, fed.b.fed)


CAR = {
    "new_vehicle": "nev",
    "old_vehicle_scrapped": True,
    "old_vehicle_fuel": "petrol",
    "old_vehicle_emission_standard": 3,
    "old_vehicle_registered_on": "2010-03-01",
    "old_vehicle_owned_since": "2015-06-01",
}
VIN = "LSVAU2A31S1000001"  # synthetic, valid ISO 3779 check digit


def _apply_car(dep: Deployment, person: int, vin: str) -> int:
    """A consumer's car application (post-purchase), returned as the stored claim id."""
    import json

    from huanxin.core import auth
    from huanxin.core.models import User

    with dep.db.unit_of_work() as session:
        user = session.scalars(
            select(User).where(User.username == f"c{person}.{dep.province.code}")
        ).one()
        token = auth.issue_token(session, user, name="car")
    data = {
        "category": "passenger_car",
        "price_fen": "15000000",
        "purchase_date": "2025-03-10",
        "attributes": json.dumps(CAR),
        "vin": vin,
    }
    r = dep.client.post(
        "/api/v1/applications",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"car-{person}"},
        files={"file": ("invoice.pdf", b"%PDF-1.4\n", "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _approve(dep: Deployment, claim_id: int) -> None:
    with dep.db.unit_of_work() as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None
        kinds = frozenset(lifecycle.required_evidence(session, claim))
        lifecycle.approve(session, dep.actor(), claim_id=claim_id, checklist=kinds)


def test_one_car_is_subsidised_once_nationally_at_approval(fed: Federated) -> None:
    from huanxin.federation.errors import NationalKeyHeld

    p, q = next(fed.people), next(fed.people)
    first = _apply_car(fed.a, p, VIN)
    _approve(fed.a, first)
    assert _key_state(fed.a, first) == "confirmed"
    second = _apply_car(fed.b, q, VIN)  # Shandong's own database has never seen this VIN
    with pytest.raises(NationalKeyHeld) as refused:
        _approve(fed.b, second)
    assert refused.value.field == "vin"
    assert refused.value.message == "该车辆识别代号已在山西省享受过补贴，全国范围内不能重复补贴"
    with fed.b.db.sessions() as session:
        assert session.get(Claim, second).state == "submitted"  # type: ignore[union-attr]


def test_key_rotation_reclaims_under_the_new_version(fed: Federated) -> None:
    from federation_harness import FEDERATION_KEY
    from huanxin.claims.service import national
    from huanxin.federation.keys import Keyring

    p, q = next(fed.people), next(fed.people)
    sold = fed.a.redeem(p, "computer", "SN-ROTATE-1").json()["id"]
    rotating = Keyring.parse("v2:rotated-national-key-0123456789," + FEDERATION_KEY)
    fed.a.fed.keyring = fed.b.fed.keyring = rotating
    try:
        with fed.a.db.unit_of_work() as session:
            keys = national.keys_for(session, sold)
            assert keys is not None and fed.a.fed.reclaim(session, keys)
        with fed.registry_db.sessions() as session:
            held = list(
                session.scalars(
                    select(HeldKey.key_hash).where(
                        HeldKey.ref == f"claim:{sold}", HeldKey.holder == "140000"
                    )
                )
            )
        assert held and all(h.startswith("v2:") for h in held)
        fed.b.fed.keyring = Keyring.parse("v2:rotated-national-key-0123456789")  # v1 retired
        assert fed.b.redeem(q, "computer", "SN-ROTATE-1").status_code == 409
    finally:
        fed.a.fed.keyring = fed.b.fed.keyring = Keyring.parse(FEDERATION_KEY)
