"""The registry's API on its own: authentication, all-or-nothing claims, quota slots, key
rotation, matches resolved by both sides, the national roll-up."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from federation_harness import ADMIN_TOKEN, Federated
from huanxin.federation.keys import Keyring, KeyringError
from huanxin.federation.registry import service

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("federation")]


def _province(fed: Federated, code: str, name: str) -> dict[str, str]:
    with fed.registry_db.unit_of_work() as session:
        token = service.add_deployment(session, code=code, name=name)
    return {"Authorization": f"Bearer {token}"}


def _h() -> str:
    return "v1:" + uuid.uuid4().hex * 2


def _claim(
    fed: Federated, who: dict[str, str], ref: str, *keys: dict[str, Any], deferred: bool = False
) -> Any:
    body = {"ref": ref, "keys": list(keys), "deferred": deferred}
    return fed.registry.post("/registry/v1/claims", json=body, headers=who)


def test_a_call_without_a_valid_token_is_refused(fed: Federated) -> None:
    body = {"ref": "claim:1", "keys": [{"kind": "vin", "candidates": [_h()]}]}
    assert fed.registry.post("/registry/v1/claims", json=body).status_code == 401
    bad = fed.registry.post(
        "/registry/v1/claims", json=body, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    assert bad.json()["message"] == "部署访问令牌无效"


def test_claims_are_all_or_nothing_and_idempotent(fed: Federated) -> None:
    hn, js = _province(fed, "410000", "河南省"), _province(fed, "320000", "江苏省")
    vin, serial = _h(), _h()
    assert _claim(fed, hn, "claim:7", {"kind": "vin", "candidates": [vin]}).json()["granted"]
    again = _claim(fed, hn, "claim:7", {"kind": "vin", "candidates": [vin]}).json()
    assert again["granted"] and again["keys"][0]["granted"] == vin
    both = _claim(
        fed,
        js,
        "claim:9",
        {"kind": "vin", "candidates": [vin]},
        {"kind": "device_serial", "candidates": [serial]},
    ).json()
    assert both["granted"] is False
    assert [k["holder_name"] for k in both["keys"] if k["granted"] is None] == ["河南省"]
    # the free serial was not kept: the claim was all or nothing
    alone = _claim(fed, js, "claim:10", {"kind": "device_serial", "candidates": [serial]})
    assert alone.json()["granted"]
    released = fed.registry.post("/registry/v1/releases", json={"ref": "claim:7"}, headers=hn)
    assert released.json() == {"released": 1}
    assert fed.registry.post(
        "/registry/v1/releases", json={"ref": "claim:7"}, headers=hn
    ).json() == {"released": 0}
    assert _claim(fed, js, "claim:9", {"kind": "vin", "candidates": [vin]}).json()["granted"]


def test_a_person_with_two_slots_may_use_one_in_each_province(fed: Federated) -> None:
    hn, js = _province(fed, "410000", "河南省"), _province(fed, "320000", "江苏省")
    slots = [_h(), _h()]
    key = {"kind": "person_category_period", "candidates": slots}
    assert _claim(fed, hn, "claim:21", key).json()["keys"][0]["granted"] == slots[0]
    assert _claim(fed, js, "claim:22", key).json()["keys"][0]["granted"] == slots[1]
    third = _claim(fed, js, "claim:23", key).json()
    assert third["granted"] is False


def test_rotation_rewrites_a_key_under_the_new_version(fed: Federated) -> None:
    hn, js = _province(fed, "410000", "河南省"), _province(fed, "320000", "江苏省")
    old, new = (
        Keyring.parse("v1:old-secret-0123456789"),
        Keyring.parse("v2:new-secret-0123456789,v1:old-secret-0123456789"),
    )
    assert _claim(
        fed, hn, "claim:31", {"kind": "vin", "candidates": [old.current("vin", "LVX1")]}
    ).json()["granted"]
    rekey = {
        "kind": "vin",
        "candidates": [new.current("vin", "LVX1")],
        "previous": new.previous("vin", "LVX1"),
    }
    assert _claim(fed, hn, "claim:31", rekey).json()["granted"]  # re-claimed under v2
    refused = _claim(fed, js, "claim:32", rekey).json()
    assert refused["granted"] is False and refused["keys"][0]["holder"] == "410000"
    with pytest.raises(KeyringError):
        Keyring.parse("v1:short")


def test_both_keeping_is_disputed_until_the_nation_decides(fed: Federated) -> None:
    hn, js = _province(fed, "410000", "河南省"), _province(fed, "320000", "江苏省")
    serial = {"kind": "device_serial", "candidates": [_h()]}
    _claim(fed, hn, "claim:41", serial)
    answer = _claim(fed, js, "claim:42", serial, deferred=True).json()
    match_id = answer["keys"][0]["match_id"]
    assert match_id is not None
    again = _claim(fed, js, "claim:42", serial, deferred=True).json()
    assert again["keys"][0]["match_id"] == match_id  # one match per claim and key
    for who in (hn, js):
        fed.registry.post(
            f"/registry/v1/matches/{match_id}/disposition",
            json={"disposition": "keep"},
            headers=who,
        )
    seen = [
        m
        for m in fed.registry.get("/registry/v1/matches", headers=js).json()
        if m["id"] == match_id
    ]
    assert seen[0]["status"] == "disputed" and seen[0]["side"] == "challenger"
    changed = fed.registry.post(
        f"/registry/v1/matches/{match_id}/disposition", json={"disposition": "withdraw"}, headers=js
    )
    assert changed.status_code == 409


def test_the_national_view_shows_what_each_province_published(fed: Federated) -> None:
    hn = _province(fed, "410000", "河南省")
    figures = {"claims": 12, "subsidy_fen_paid": 1_199_800}
    for day in (date(2025, 6, 1), date(2025, 6, 2)):
        ok = fed.registry.post(
            "/registry/v1/rollups", headers=hn, json={"as_of": day.isoformat(), "figures": figures}
        )
        assert ok.status_code == 200
    assert fed.registry.get("/registry/v1/national").status_code == 401
    view = fed.registry.get(
        "/registry/v1/national", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ).json()
    henan = next(p for p in view if p["code"] == "410000")
    assert henan["name"] == "河南省" and henan["as_of"] == "2025-06-02"
    assert henan["figures"] == figures
    bad = fed.registry.post(
        "/registry/v1/rollups", headers=hn, json={"as_of": "2025-06-03", "figures": {"claims": -1}}
    )
    assert bad.status_code == 422
