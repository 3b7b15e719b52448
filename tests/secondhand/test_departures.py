"""A listing names a row of the seller's equipment ledger; when the item is delivered or
disposed the row leaves the ledger (``equipment.departures`` on ``secondhand.hooks``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from huanxin.core.models import AuditEntry
from huanxin.equipment.models import EquipmentFlag, EquipmentItem
from huanxin.secondhand.models import Listing, Step
from secondhand.shworld import World, give_ledger, post

URL = "/api/v1/secondhand"


@pytest.fixture
def ledgers(world: World) -> World:
    give_ledger(
        world,
        "ent_a",
        "91140521MA0E00001",
        [("EQ000001", "在用"), ("EQ000002", "停用"), ("EQ000003", "已报废")],
    )
    give_ledger(world, "ent_b", "91140521MA0E00002", [("EQ000009", "在用")])
    return world


def _listing(**overrides: object) -> dict[str, object]:
    body = {
        "title": "数控车床 CK6140",
        "category": "机床",
        "brand": "沈阳机床",
        "model": "CK6140",
        "serial": "SY-2018-0042",
        "condition": "C",
        "asking_price_fen": 8_000_000,
        "equipment_ref": "EQ000001",
    }
    body.update(overrides)
    return body


def _row(w: World, code: str) -> dict[str, Any]:
    with w.db.sessions() as session:
        item = session.scalars(select(EquipmentItem).where(EquipmentItem.code == code)).one()
        flags = session.scalar(
            select(func.count()).select_from(EquipmentFlag).where(EquipmentFlag.item_id == item.id)
        )
        return {
            "status": item.status,
            "flags": flags,
            "elimination": item.elimination,
            "notes": item.notes,
            "record": item.record,
            "id": item.id,
        }


def _left_audits(w: World) -> list[tuple[str, str]]:
    with w.db.sessions() as session:
        stmt = select(AuditEntry.object_id, AuditEntry.actor_role).where(
            AuditEntry.action == "equipment.item_left"
        )
        return [(str(a), str(b)) for a, b in session.execute(stmt)]


def _agree(w: World, listing_id: int) -> None:
    seller, buyer = w.api("ent-a.140521"), w.api("ent-b.140521")
    offer = post(buyer, URL + f"/listings/{listing_id}/offers", {"price_fen": 7_000_000}).json()
    r = post(seller, URL + f"/offers/{offer['id']}/decision", {"accept": True})
    assert r.json()["state"] == "agreed", r.text


def test_seller_picks_from_its_ledger_and_foreign_or_gone_rows_are_refused(ledgers: World) -> None:
    seller = ledgers.api("ent-a.140521")
    choices = seller.get(URL + "/my/ledger-items").json()
    assert [c["equipment_ref"] for c in choices] == ["EQ000001", "EQ000002"]
    assert choices[0]["label"] == "EQ000001 机床 CK610"
    for ref, status, code in (
        ("EQ000009", 422, "equipment_ref_unknown"),
        ("NOPE-1", 422, "equipment_ref_unknown"),
        ("EQ000003", 409, "equipment_already_left"),
    ):
        r = post(seller, URL + "/listings", _listing(equipment_ref=ref))
        assert (r.status_code, r.json()["code"], r.json()["field"]) == (
            status,
            code,
            "equipment_ref",
        )
    assert (
        "本单位设备台账中没有编号为“EQ000009”的设备"
        in post(seller, URL + "/listings", _listing(equipment_ref="EQ000009")).json()["message"]
    )
    ok = post(seller, URL + "/listings", _listing(equipment_ref=" EQ000001 "))
    assert ok.status_code == 201 and ok.json()["equipment_ref"] == "EQ000001"
    assert [c["equipment_ref"] for c in seller.get(URL + "/my/ledger-items").json()] == [
        "EQ000002"
    ]  # a row on an open listing is not offered again
    twice = post(seller, URL + "/listings", _listing(serial="OTHER-0001"))
    assert twice.status_code == 409 and twice.json()["field"] == "equipment_ref"
    with ledgers.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Listing)) == 1


def test_no_ledger_means_no_reference(world: World) -> None:
    r = post(world.api("ent-a.140521"), URL + "/listings", _listing())
    assert r.status_code == 422 and "尚未在设备更新模块登记设备台账" in r.json()["message"]
    assert world.api("ent-a.140521").get(URL + "/my/ledger-items").json() == []


def test_delivered_item_leaves_the_sellers_ledger_with_an_audit_entry(ledgers: World) -> None:
    seller = ledgers.api("ent-a.140521")
    lid = post(seller, URL + "/listings", _listing()).json()["id"]
    _agree(ledgers, lid)
    post(seller, URL + f"/listings/{lid}/state", {"to_state": "in_transport"})
    assert _row(ledgers, "EQ000001")["status"] == "在用"
    r = post(seller, URL + f"/listings/{lid}/state", {"to_state": "delivered"})
    assert r.status_code == 200 and r.json()["state"] == "delivered"
    row = _row(ledgers, "EQ000001")
    assert (row["status"], row["flags"], row["elimination"]) == ("已报废", 0, False)
    assert f"二手设备挂牌#{lid}已交付" in row["notes"] and '"status": "已报废"' in row["record"]
    assert _left_audits(ledgers) == [(str(row["id"]), "enterprise")]
    assert _row(ledgers, "EQ000009")["status"] == "在用"  # the buyer's ledger is untouched
    refs = [c["equipment_ref"] for c in seller.get(URL + "/my/ledger-items").json()]
    assert refs == ["EQ000002"]
    back = seller.patch(
        f"/api/v1/equipment/items/{row['id']}",
        json={"changes": {"status": "在用"}},
        headers={"Idempotency-Key": "back"},
    )
    assert back.status_code == 409 and "离开本单位台账" in back.json()["message"]
    assert _row(ledgers, "EQ000001")["status"] == "已报废"


def test_disposed_item_leaves_the_ledger_too(ledgers: World) -> None:
    seller = ledgers.api("ent-a.140521")
    lid = post(seller, URL + "/listings", _listing(equipment_ref="EQ000002")).json()["id"]
    _agree(ledgers, lid)
    for state in ("in_storage", "disposed"):
        assert post(seller, URL + f"/listings/{lid}/state", {"to_state": state}).status_code == 200
    assert _row(ledgers, "EQ000002")["status"] == "已报废"
    assert len(_left_audits(ledgers)) == 1


def test_a_row_gone_from_the_ledger_refuses_the_step_and_saves_nothing(ledgers: World) -> None:
    seller = ledgers.api("ent-a.140521")
    lid = post(seller, URL + "/listings", _listing()).json()["id"]
    _agree(ledgers, lid)
    post(seller, URL + f"/listings/{lid}/state", {"to_state": "in_transport"})
    with ledgers.db.unit_of_work() as session:  # the row moved to another enterprise's ledger
        item = session.scalars(select(EquipmentItem).where(EquipmentItem.code == "EQ000001")).one()
        other = session.scalars(select(EquipmentItem).where(EquipmentItem.code == "EQ000009")).one()
        item.enterprise_id = other.enterprise_id
    r = post(seller, URL + f"/listings/{lid}/state", {"to_state": "delivered"})
    assert (r.status_code, r.json()["field"]) == (422, "equipment_ref")
    assert seller.get(URL + f"/listings/{lid}").json()["state"] == "in_transport"
    assert _row(ledgers, "EQ000001")["status"] == "在用" and _left_audits(ledgers) == []
    with ledgers.db.sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Step)
                .where(Step.subject == "listing", Step.to_state == "delivered")
            )
            == 0
        )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_pages_pick_the_ledger_row_and_delivery_updates_the_ledger(ledgers: World) -> None:
    web = ledgers.web("ent-a.140521")
    page = web.get("/secondhand/trade")
    assert '<option value="EQ000001" >EQ000001 机床 CK610</option>' in page.text
    assert "EQ000003" not in page.text and "EQ000009" not in page.text
    form = {
        "csrf_token": _csrf(page.text),
        "title": "数控车床",
        "category": "机床",
        "brand": "沈阳",
        "model": "CK6140",
        "serial": "SY-2018-0042",
        "condition": "C",
        "price": "80000",
        "equipment_ref": "EQ000003",
    }
    refused = web.post("/secondhand/trade/listings", data=form)
    assert refused.status_code == 409 and "已报废或已转出" in refused.text
    assert 'value="SY-2018-0042"' in refused.text  # the form keeps what was typed
    created = web.post("/secondhand/trade/listings", data={**form, "equipment_ref": "EQ000001"})
    assert created.status_code == 303
    lid = int(created.headers["location"].rsplit("/", 1)[1])
    _agree(ledgers, lid)
    csrf = _csrf(web.get(f"/secondhand/trade/{lid}").text)
    for state in ("in_transport", "delivered"):
        r = web.post(f"/secondhand/trade/{lid}/state", data={"csrf_token": csrf, "to_state": state})
        assert r.status_code == 303, r.text[:300]
    detail = web.get(f"/secondhand/trade/{lid}").text
    assert "台账设备编号：EQ000001（已从台账转出）" in detail
    assert _row(ledgers, "EQ000001")["status"] == "已报废"
