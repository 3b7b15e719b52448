"""Two counties with objects of every kind in each, for tests that try one county's users on
the other county's objects: 沁水县 (HOME, whose objects are attacked) and 冠县 (AWAY, whose
users attack). Built with the demo loaders (every domain's services, so the rows are what
production writes), plus the few objects the demo leaves out."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

import builders
from huanxin import demo
from huanxin.core import auth, orgs
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.models import User
from huanxin.db import Base, Database

HOME, AWAY = "140521", "371525"

# Tables that change on any request (who called, the denial itself, the request's key):
# they are no business object of either county.
BOOKKEEPING = {
    "audit_entries",
    "audit_heads",
    "idempotency_records",
    "api_tokens",
    "web_sessions",
    "login_attempts",
    "alembic_version",
}


def build(db: Database, *, claims: int = 30) -> None:
    """The demo's places, users and domain data, then the objects it does not make."""
    with db.unit_of_work() as session:
        demo.build(session)
    with db.unit_of_work() as session:
        demo.build_domains(session, claims=claims)
    with db.unit_of_work() as session:
        _extras(session)
    _supervision(db)


def _supervision(db: Database) -> None:
    """A body with a seat, an escalation, a meeting, a visit and a report template in HOME,
    made through the API as HOME's office."""
    api = builders.api_client(db, f"office.{HOME}")
    with db.engine.connect() as conn:
        sql = "SELECT id FROM sv_departments WHERE jurisdiction_code = :c ORDER BY id LIMIT 2"
        dept, other = (int(i) for i in conn.execute(text(sql), {"c": HOME}).scalars())

    def post(path: str, body: dict[str, object]) -> int:
        r = api.post("/api/v1/supervision" + path, json=body, headers={"Idempotency-Key": path})
        assert r.status_code == 201, f"{path}: {r.status_code} {r.text}"
        return int(r.json()["id"])

    body = post("/bodies", {"jurisdiction_code": HOME, "kind": "joint_meeting", "name": "联席会议"})
    post(f"/bodies/{body}/seats", {"department_id": dept, "role": "member", "person_name": "成员"})
    post(
        "/escalations",
        {
            "jurisdiction_code": HOME,
            "title": "资质审批",
            "level": "province",
            "ask": "请加快审批",
            "addressee": "省商务厅",
        },
    )
    post(
        "/meetings",
        {
            "body_id": body,
            "kind": "plenary",
            "held_on": "2026-11-10",
            "title": "全体会议",
            "topics": ["部署工作"],
        },
    )
    post(
        "/visits",
        {
            "jurisdiction_code": HOME,
            "lead_department_id": dept,
            "title": "门店督导",
            "subject": "家电门店",
            "planned_on": "2026-11-12",
        },
    )
    post(
        "/report-templates",
        {
            "jurisdiction_code": HOME,
            "kind": "ten_day",
            "name": "旬报",
            "opening": "现报告如下。",
            "figures": ["tasks_total"],
            "recipients": [other],
        },
    )


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    return auth.actor_for(session, user, via="session")


def _home_id(session: Session, table: str) -> int:
    sql = f"SELECT id FROM {table} WHERE jurisdiction_code = :c ORDER BY id"
    return int(session.scalar(text(sql), {"c": HOME}) or 0)


def _extras(session: Session) -> None:
    """A credit event, an open offer and a catalogue product HOME's office listed (the demo
    makes none of them)."""
    from huanxin.claims.service import catalogue, quotas
    from huanxin.secondhand.service import credit, trading

    office = _actor(session, f"office.{HOME}")
    rows = "品类代码,品牌,型号,能效等级,指导价（元）,有效期起,有效期止\n"
    rows += "refrigerator,本县品牌,HOME-1,1,3999.00,2025-01-01,\n"
    catalogue.import_file(session, office, filename="home.csv", content=rows.encode())
    consumer = _actor(session, f"consumer.{HOME}")
    quotas.claim_quota(session, consumer, category="refrigerator", on_date=date(2025, 6, 1))
    credit.record_event(
        session,
        office,
        dealer_id=_home_id(session, "sh_dealers"),
        kind="complaint",
        outcome="pending",
        description="演示：质量投诉",
        occurred_on=date(2025, 6, 1),
    )
    buyer = builders.create_user(
        session,
        "enterprise",
        HOME,
        username=f"buyer.{HOME}",
        org_id=orgs.ensure(
            session, SYSTEM, kind="enterprise", name="演示采购企业", jurisdiction_code=HOME
        ).id,
    )
    trading.make_offer(
        session,
        auth.actor_for(session, buyer, via="session"),
        listing_id=_home_id(session, "sh_listings"),
        price_fen=100_000,
    )
    _lottery(session, office)


def _lottery(session: Session, office: Actor) -> None:
    """A lottery release of HOME with today's round open for entries."""
    from huanxin.claims.service import release_plans, releases
    from huanxin.core.clock import today_cn, utcnow
    from huanxin.ledger.models import Pool

    pool = session.scalars(
        select(Pool).where(Pool.programme_id == "cn.appliance", Pool.jurisdiction_code == HOME)
    ).first()
    assert pool is not None
    plan = release_plans.PlanInput(
        programme_id="cn.appliance",
        category="television",
        jurisdiction_code=HOME,
        pool_id=pool.id,
        first_day=today_cn(),
        last_day=today_cn(),
        release_time="00:00",
        per_release=2,
        mode="lottery",
        entry_minutes=1439,
    )
    release = release_plans.define(session, office, plan)
    releases.round_for(session, release, today_cn(), utcnow())


def snapshot(db: Database) -> dict[str, str]:
    """A digest of every business table's rows (bookkeeping tables left out)."""
    names = set(inspect(db.engine).get_table_names()) - BOOKKEEPING
    tables = [t for t in Base.metadata.sorted_tables if t.name in names]
    digests = {}
    with db.engine.connect() as conn:
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            h = hashlib.sha256()
            for row in conn.execute(select(table).order_by(*order)):
                h.update(repr(tuple(row)).encode())
            digests[table.name] = h.hexdigest()
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def first_id(db: Database, sql: str, **params: object) -> object:
    with db.engine.connect() as conn:
        value = conn.execute(text(sql), {"home": HOME, **params}).scalar()
    assert value is not None, f"scope world has no row for: {sql}"
    return value
