"""Deterministic equipment demo: two enterprises per demo place, ledgers of 60-200 rows
generated from fixed seeds, and renewal projects in every lifecycle stage (plus one completed
in 2023 for the baseline) with an interest-subsidy application, and each enterprise's
digitalisation report for the ledger year. Running it twice changes nothing. Needs the core
demo (places, the office user of each place) loaded first."""

from __future__ import annotations

import random
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import auth, orgs
from huanxin.core.actor import Actor
from huanxin.core.models import Jurisdiction, User
from huanxin.demo import ORG_NAMES
from huanxin.equipment.demo_ledger import YEAR, sample_uscc, synthetic_rows, write_ledger
from huanxin.equipment.models import Enterprise
from huanxin.equipment.service import digital, enterprises, ledger, projects, subsidy
from huanxin.equipment.vocab import STAGE_ORDER, STAGES

PLACES = ("140521", "371525", "140300")
# (stage reached, dates of each step) for the projects of the first enterprise of a place
_STEPS = (
    ("planning", (date(2025, 3, 1),)),
    ("applied", (date(2025, 2, 1), date(2025, 3, 10))),
    ("approved", (date(2025, 1, 5), date(2025, 2, 10), date(2025, 4, 1))),
    ("building", (date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 15), date(2025, 3, 1))),
    (
        "completed",
        (date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1), date(2025, 6, 30)),
    ),
    (
        "completed",
        (
            date(2023, 1, 10),
            date(2023, 2, 1),
            date(2023, 3, 1),
            date(2023, 4, 1),
            date(2023, 11, 30),
        ),
    ),
)
_SECOND = {"140521": "health", "371525": "agriculture", "140300": "buildings"}


def _office(session: Session, code: str) -> Actor | None:
    user = session.scalars(select(User).where(User.username == f"office.{code}")).first()
    return None if user is None else auth.actor_for(session, user, via="system")


def build_demo(session: Session) -> None:
    """Create the equipment demo for every demo place that has its office user."""
    for code in PLACES:
        actor = _office(session, code)
        place = session.get(Jurisdiction, code)
        if actor is None or place is None:
            continue
        for index, sector in enumerate(("industry", _SECOND[code])):
            _enterprise(session, actor, code, place.name, index, sector)
    session.flush()


def _enterprise(
    session: Session, actor: Actor, code: str, place: str, index: int, sector: str
) -> None:
    name = ORG_NAMES["enterprise"].format(place=place) if index == 0 else f"{place}绿色示范单位"
    org = orgs.ensure(session, actor, kind="enterprise", name=name, jurisdiction_code=code)
    if session.scalars(select(Enterprise).where(Enterprise.org_id == org.id)).first():
        return
    ent = enterprises.register(
        session,
        actor,
        org_id=org.id,
        sector=sector,
        uscc=sample_uscc(random.Random(f"demo-{code}-{index}")),
        industry_code="C34" if index == 0 else "Q84",
        above_size=index == 0,
        jurisdiction_code=code,
    )
    rows = 60 + 70 * index + int(code[-2:]) % 50
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, _ = write_ledger(synthetic_rows(rows, int(code) + index), Path(tmp))
        ledger.import_ledger(
            session, actor, enterprise_id=ent.id, path=xlsx, filename="设备台账.xlsx", year=YEAR
        )
    seed = int(code[-2:]) % 10
    digital.report(
        session,
        actor,
        enterprise_id=ent.id,
        year=YEAR,
        cnc_rate_bp=6800 + 150 * seed if index == 0 else None,
        design_tool_bp=8200 + 100 * seed + 700 * index,
    )
    if index == 0:
        _projects(session, actor, ent.id)


def _projects(session: Session, actor: Actor, enterprise_id: int) -> None:
    flagged = ledger.list_items(
        session, actor, enterprise_id=enterprise_id, flag="elimination", limit=20
    )
    for n, (stage, dates) in enumerate(_STEPS):
        amount = (n + 1) * 1_200_000_00
        p = projects.create(
            session,
            actor,
            enterprise_id=enterprise_id,
            name=f"{STAGES[stage]}阶段示范项目{n + 1}：节能电机和变压器更新",
            equipment_investment_fen=amount,
            total_investment_fen=amount * 3 // 2,
            bonds_fen=amount // 4,
            central_fen=amount // 10,
            loan_fen=amount // 2,
            planned_on=dates[0],
        )
        for to_stage, on in zip(STAGE_ORDER[1:], dates[1:], strict=False):
            scrap = [i.id for i in flagged[2 * n : 2 * n + 2]] if to_stage == "completed" else []
            projects.advance(
                session,
                actor,
                project_id=p.id,
                to_stage=to_stage,
                on_date=on,
                scrapped_item_ids=scrap,
            )
        if stage == "building":
            subsidy.apply(
                session,
                actor,
                project_id=p.id,
                loan_fen=amount // 2,
                rate_bp=345,
                subsidy_bp=150,
                term_months=36,
                repayment="equal_principal",
            )
