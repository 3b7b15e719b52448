"""Helpers for the secondhand tests. A small secondhand world: county 140521 with an office, a dealer, a platform, a valuer,
a consumer, two enterprises flagged as public institutions and a recycler; valid identifiers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

import builders
from huanxin.app import create_app
from huanxin.core import identifiers, orgs
from huanxin.core.audit import SYSTEM
from huanxin.db import Database


def uscc(body: str) -> str:
    return body + identifiers.uscc_check_char(body)


def resident_id(body: str) -> str:
    return body + identifiers.resident_id_check_char(body)


def vin(prefix: str, tail: str) -> str:
    """A valid VIN from 8 + 8 characters (check digit computed)."""
    raw = prefix + "0" + tail
    return prefix + identifiers.vin_check_char(raw) + tail


SELLER_ID = resident_id("14052119800101123")
BUYER_ID = resident_id("14052119900202234")
DEALER_USCC = uscc("91140521MA0K00001")
PLATFORM_USCC = uscc("91140521MA0K00002")
VALUER_USCC = uscc("91140521MA0K00003")
CAR_VIN = vin("LSVAM418", "C2100001")


@dataclass
class World:
    """The database, the ids made, and one app shared by every client of the test."""

    db: Database
    ids: dict[str, int]
    _app: Any = None
    _clients: dict[str, TestClient] = field(default_factory=dict)

    def app(self) -> Any:
        if self._app is None:
            self._app = create_app(builders.settings_for(self.db), database=self.db)
        return self._app

    def client(self) -> TestClient:
        return TestClient(self.app(), follow_redirects=False)

    def api(self, username: str) -> TestClient:
        if username not in self._clients:
            c = self.client()
            c.headers["Authorization"] = "Bearer " + builders.token_for(self.db, username)
            self._clients[username] = c
        return self._clients[username]

    def web(self, username: str) -> TestClient:
        c = self.client()
        r = c.post(
            "/login", data={"username": username, "password": builders.PASSWORD, "next": "/"}
        )
        assert r.status_code == 303, r.text
        return c


_key = iter(range(1, 10**9))


def post(client: TestClient, url: str, body: Any = None, **kwargs: Any) -> Any:
    headers = {"Idempotency-Key": f"k{next(_key)}"}
    return client.post(url, json=body, headers=headers, **kwargs)


def _merchant(session: Any, username: str, name: str) -> int:
    org = orgs.ensure(session, SYSTEM, kind="merchant", name=name, jurisdiction_code="140521")
    builders.create_user(session, "merchant", "140521", username=username, org_id=org.id)
    return org.id


def _enterprise(session: Any, username: str, name: str, code: str = "140521") -> int:
    org = orgs.ensure(session, SYSTEM, kind="enterprise", name=name, jurisdiction_code=code)
    builders.create_user(session, "enterprise", code, username=username, org_id=org.id)
    return org.id


def make_world(database: Database) -> World:
    ids: dict[str, int] = {}
    with database.unit_of_work() as session:
        builders.create_places(session)
        for role, code in (
            ("office", "140521"),
            ("office", "371525"),
            ("consumer", "140521"),
            ("auditor", "140521"),
        ):
            builders.create_user(session, role, code)
        ids["dealer_org"] = _merchant(session, "dealer.140521", "沁水诚信二手手机店")
        ids["platform_org"] = _merchant(session, "platform.140521", "沁水二手交易平台")
        ids["valuer_org"] = _merchant(session, "valuer.140521", "沁水旧货评估所")
        ids["ent_a"] = _enterprise(session, "ent-a.140521", "沁水县机关事务中心")
        ids["ent_b"] = _enterprise(session, "ent-b.140521", "沁水县第一中学")
        ids["recycler"] = orgs.ensure(
            session, SYSTEM, kind="recycler", name="沁水再生资源公司", jurisdiction_code="140521"
        ).id
    return World(database, ids)


def register_dealers(w: World) -> dict[str, int]:
    office = w.api("office.140521")
    out = {}
    for name, kind, code in (
        ("dealer", "dealer", DEALER_USCC),
        ("platform", "platform", PLATFORM_USCC),
        ("valuer", "valuer", VALUER_USCC),
    ):
        r = post(
            office,
            "/api/v1/secondhand/dealers",
            {
                "org_id": w.ids[f"{name}_org"],
                "kind": kind,
                "uscc": code,
                "licence_no": f"LIC-{name}",
                "categories": ["phone", "tablet", "computer", "car"],
            },
        )
        assert r.status_code == 201, r.text
        out[name] = r.json()["id"]
    return out


def txn(**overrides: Any) -> dict[str, Any]:
    body = {
        "direction": "acquire",
        "category": "phone",
        "brand": "华为",
        "model": "Mate 40",
        "serial": "860000000000001",
        "made_year": 2022,
        "grade": "B",
        "price_fen": 150000,
        "traded_on": "2026-03-01",
        "seller_name": "张三",
        "seller_resident_id": SELLER_ID,
        "buyer_name": "李四",
        "buyer_resident_id": BUYER_ID,
    }
    body.update(overrides)
    return body


def wipe(**overrides: Any) -> dict[str, Any]:
    body = {
        "category": "phone",
        "brand": "华为",
        "model": "Mate 40",
        "serial": "860000000000001",
        "method": "purge",
        "tool": "擦除工具 v3.2",
        "operator_name": "王五",
        "wiped_at": "2026-03-02T10:00:00+08:00",
        "verified": True,
        "verification_note": "抽样读取全零",
    }
    body.update(overrides)
    return body


def give_ledger(w: World, org_key: str, uscc_body: str, rows: list[tuple[str, str]]) -> None:
    """An equipment-ledger enterprise for the organisation, with rows ``(code, status)``; the
    first row carries an elimination flag (so its removal can be seen)."""
    from huanxin.core.clock import utcnow
    from huanxin.equipment.models import Enterprise, EquipmentFlag, EquipmentItem

    with w.db.unit_of_work() as session:
        ent = Enterprise(
            org_id=w.ids[org_key],
            name=org_key,
            uscc=uscc(uscc_body),
            industry_code="C34",
            sector="industry",
            jurisdiction_code="140521",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        session.add(ent)
        session.flush()
        for n, (code, status) in enumerate(rows):
            item = EquipmentItem(
                enterprise_id=ent.id,
                jurisdiction_code="140521",
                sector="industry",
                code=code,
                category="machine_tool",
                model=f"CK61{n}",
                status=status,
                commissioning_year=2008,
                record=json.dumps(
                    {
                        "equipment_id": code,
                        "category": "machine_tool",
                        "commissioning_year": 2008,
                        "status": status,
                    },
                    ensure_ascii=False,
                ),
                elimination=n == 0,
            )
            session.add(item)
            session.flush()
            if n == 0:
                session.add(
                    EquipmentFlag(
                        item_id=item.id,
                        kind="elimination",
                        rule="r",
                        rule_zh="淘汰",
                        threshold="",
                        actual="",
                        source="s",
                    )
                )
