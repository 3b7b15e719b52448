"""Used-equipment listings (photos, offers, transfer states, the equipment hook) and the
public-institution warehouse (公务仓) flow."""

from __future__ import annotations

from sqlalchemy import func, select

from huanxin.secondhand.models import Listing, ListingPhoto, Step
from secondhand.shworld import World, post, register_dealers, wipe

URL = "/api/v1/secondhand"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _listing(**overrides: object) -> dict[str, object]:
    body = {
        "title": "数控车床 CK6140",
        "category": "机床",
        "brand": "沈阳机床",
        "model": "CK6140",
        "serial": "SY-2018-0042",
        "condition": "C",
        "asking_price_fen": 8_000_000,
        "condition_note": "主轴正常，导轨轻微磨损",
    }
    body.update(overrides)
    return body


def _photos(w: World) -> int:
    with w.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ListingPhoto)) or 0)


def test_listing_goes_through_its_states(world: World) -> None:
    seller, buyer = world.api("ent-a.140521"), world.api("ent-b.140521")
    r = post(seller, URL + "/listings", _listing())
    assert r.status_code == 201, r.text
    lid = r.json()["id"]
    dup = post(seller, URL + "/listings", _listing(title="同一台"))
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_open_listing"
    assert (
        post(seller, URL + f"/listings/{lid}/photos", files={"photo": ("a.png", PNG)}).status_code
        == 201
    )
    assert (
        post(seller, URL + f"/listings/{lid}/photos", files={"photo": ("b.jpg", JPG)}).status_code
        == 201
    )
    gif = post(
        seller, URL + f"/listings/{lid}/photos", files={"photo": ("c.png", b"GIF89a" + b"0" * 10)}
    )
    assert gif.status_code == 422 and gif.json()["field"] == "photo"
    big = post(
        seller,
        URL + f"/listings/{lid}/photos",
        files={"photo": ("d.png", PNG + b"0" * 2 * 1024 * 1024)},
    )
    assert big.status_code == 422 and "2MB" in big.json()["message"]
    assert _photos(world) == 2
    pid = seller.get(URL + f"/listings/{lid}").json()["photo_ids"][0]
    photo = buyer.get(URL + f"/photos/{pid}")
    assert photo.headers["content-type"] == "image/png" and photo.content == PNG
    assert (
        post(buyer, URL + f"/listings/{lid}/enquiries", {"message": "可否现场看机？"}).status_code
        == 201
    )
    offer = post(buyer, URL + f"/listings/{lid}/offers", {"price_fen": 7_500_000}).json()
    assert buyer.get(URL + f"/listings/{lid}").json()["state"] == "under_offer"
    early = post(seller, URL + f"/listings/{lid}/state", {"to_state": "delivered"})
    assert early.status_code == 409 and early.json()["code"] == "illegal_transition"
    agreed = post(seller, URL + f"/offers/{offer['id']}/decision", {"accept": True}).json()
    assert (agreed["state"], agreed["agreed_price_fen"]) == ("agreed", 7_500_000)
    jump = post(seller, URL + f"/listings/{lid}/state", {"to_state": "delivered"})
    assert jump.status_code == 409
    for state in ("in_storage", "in_transport", "delivered"):
        r = post(seller, URL + f"/listings/{lid}/state", {"to_state": state, "note": state})
        assert r.status_code == 200 and r.json()["state"] == state
    steps = [(s["from"], s["to"]) for s in seller.get(URL + f"/listings/{lid}").json()["steps"]]
    assert steps == [
        (None, "listed"),
        ("listed", "under_offer"),
        ("under_offer", "agreed"),
        ("agreed", "in_storage"),
        ("in_storage", "in_transport"),
        ("in_transport", "delivered"),
    ]
    assert (
        post(seller, URL + "/listings", _listing()).status_code == 201
    )  # closed: serial free again


def test_buyer_cannot_move_a_listing_nor_offer_on_its_own(world: World) -> None:
    seller, buyer = world.api("ent-a.140521"), world.api("ent-b.140521")
    lid = post(seller, URL + "/listings", _listing()).json()["id"]
    assert post(buyer, URL + f"/listings/{lid}/state", {"to_state": "withdrawn"}).status_code == 403
    assert post(seller, URL + f"/listings/{lid}/offers", {"price_fen": 1}).status_code == 409
    with world.db.sessions() as session:
        assert session.scalars(select(Listing.state)).all() == ["listed"]


def _flag(w: World) -> None:
    office = w.api("office.140521")
    for key in ("ent_a", "ent_b"):
        assert post(office, URL + "/institutions", {"org_id": w.ids[key]}).status_code == 201


def _declare(client: object, asset_no: str, category: str, serial: str) -> int:
    body = {
        "asset_no": asset_no,
        "category": category,
        "brand": "联想",
        "model": "启天M430",
        "serial": serial,
        "acquired_year": 2016,
    }
    r = post(client, URL + "/warehouse", body)  # type: ignore[arg-type]
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_warehouse_reallocation_first_then_disposal_with_certificate(world: World) -> None:
    register_dealers(world)
    office, inst_a, inst_b = (
        world.api("office.140521"),
        world.api("ent-a.140521"),
        world.api("ent-b.140521"),
    )
    refused = post(
        inst_a,
        URL + "/warehouse",
        {
            "asset_no": "X",
            "category": "computer",
            "brand": "a",
            "model": "b",
            "serial": "SN0001",
            "acquired_year": 2016,
        },
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_public_institution"
    _flag(world)
    pc = _declare(inst_a, "ZC-001", "computer", "PC0001")
    ac = _declare(inst_a, "ZC-002", "air_conditioner", "AC0001")
    for item in (pc, ac):
        assert (
            post(office, URL + f"/warehouse/{item}/review", {"accept": True}).json()["state"]
            == "pooled"
        )
    assert post(inst_a, URL + f"/warehouse/{ac}/claim", {}).status_code == 409  # own item
    assert (
        post(inst_b, URL + f"/warehouse/{ac}/claim", {"note": "教室需要"}).json()["state"]
        == "claimed"
    )
    auction = post(office, URL + f"/warehouse/{ac}/approve", {"route": "auction"})
    assert auction.status_code == 409 and "优先调剂" in auction.json()["message"]
    assert (
        post(office, URL + f"/warehouse/{ac}/approve", {"route": "transfer"}).json()["route"]
        == "transfer"
    )
    assert post(office, URL + f"/warehouse/{ac}/complete", {}).json()["state"] == "done"
    twice = post(office, URL + f"/warehouse/{ac}/review", {"accept": True})
    assert twice.status_code == 409 and twice.json()["code"] == "illegal_transition"
    no_transfer = post(office, URL + f"/warehouse/{pc}/approve", {"route": "transfer"})
    assert no_transfer.status_code == 409
    no_recycler = post(office, URL + f"/warehouse/{pc}/approve", {"route": "recycle"})
    assert no_recycler.status_code == 422 and no_recycler.json()["field"] == "recycler_org_id"
    ok = post(
        office,
        URL + f"/warehouse/{pc}/approve",
        {"route": "recycle", "recycler_org_id": world.ids["recycler"]},
    )
    assert ok.json()["state"] == "approved"
    bare = post(office, URL + f"/warehouse/{pc}/complete", {})
    assert bare.status_code == 409 and bare.json()["code"] == "wipe_certificate_required"
    cert = post(
        world.api("dealer.140521"), URL + "/wipes", wipe(category="computer", serial="PC0001")
    ).json()
    done = post(
        office,
        URL + f"/warehouse/{pc}/complete",
        {"certificate_no": cert["certificate"]["cert_no"]},
    )
    assert done.status_code == 200 and done.json()["certificate_id"] is not None
    path = [(s["from"], s["to"]) for s in office.get(URL + f"/warehouse/{pc}").json()["steps"]]
    assert path == [
        (None, "declared"),
        ("declared", "pooled"),
        ("pooled", "approved"),
        ("approved", "done"),
    ]
    stats = office.get(URL + "/warehouse/statistics").json()
    assert len(stats) == 1
    row = stats[0]
    assert (
        row["institution"],
        row["declared"],
        row["transfer"],
        row["recycle"],
        row["pending"],
    ) == ("沁水县机关事务中心", 2, 1, 1, 0)
    with world.db.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Step).where(Step.subject == "warehouse")
            )
            == 9
        )
