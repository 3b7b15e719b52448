"""Demo data of the supervision domain: department directories, the shipped sample plan
(``sample_plans/``) imported by each of the three demo places, matches confirmed, some
progress reports and indicator values; the same with or without ``../shared``. No
randomness; running it twice changes nothing (a plan already imported, by file hash, is skipped). Report periods
are the month before the day it runs."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from huanxin.core import jurisdictions
from huanxin.core.actor import Actor
from huanxin.core.audit import SYSTEM
from huanxin.core.clock import today_cn
from huanxin.core.models import User
from huanxin.demo import PLACES
from huanxin.supervision import demo_mechanism, indicators
from huanxin.supervision.models import Department, Plan
from huanxin.supervision.service import checkpoints, departments, ledger, plans, reports
from huanxin.supervision.vocab import period_of

SAMPLE_PLAN = Path(__file__).parent / "sample_plans" / "renewal-plan.txt"

# The sample plan (written for the demo in the style of the real county plans; its figures are
# invented) is issued once by each demo place: (code, name, document prefix, level).
SAMPLE_PLACES = [
    ("140521", "沁水县", "沁", "县"),
    ("140300", "阳泉市", "阳", "市"),
    ("371525", "冠县", "冠", "县"),
]

# Per jurisdiction: (directory name, aliases). The first entry is the organisation the demo
# department user of that place is bound to ("<place>商务局").
DIRECTORY: dict[str, list[tuple[str, list[str]]]] = {
    "140521": [
        ("县商务局", ["县工信局<县商务局>", "县工信局", "沁水县工业和信息化局"]),
        ("县发改局", ["沁水县发展和改革局"]),
        ("县能源局", []),
        ("县财政局", []),
        ("县住建局", ["县住房和城乡建设局"]),
        ("县市场监管局", ["县市场监督管理局"]),
    ],
    "140300": [
        ("市商务局", []),
        ("市发展改革委", ["市发改委", "阳泉市发展和改革委员会"]),
        ("市工信局", ["市工业和信息化局"]),
        ("市财政局", []),
        ("市能源局", []),
        ("各县区人民政府", ["各县（市、区）人民政府", "各县（区）人民政府"]),
    ],
    "371525": [
        ("县商务局", ["县商务和投资促进局"]),
        ("县工业和信息化局", ["县工信局"]),
        ("县发展和改革局", ["县发改局"]),
        ("县财政局", []),
        ("县住房和城乡建设局", ["县住建局"]),
    ],
}


def sample_plan(place: str, short: str, level: str) -> bytes:
    """The sample plan as issued by ``place`` (UTF-8 text, as an uploaded .txt)."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    return text.format(place=place, short=short, lv=level).encode("utf-8")


def office_actor(session: Session, code: str) -> Actor:
    return Actor(
        user_id=_user_id(session, f"office.{code}"),
        username="demo",
        role="office",
        display_name="演示专班办公室",
        jurisdiction_code=code,
        scope_codes=jurisdictions.subtree_codes(session, code),
    )


def _user_id(session: Session, username: str) -> int:
    found = session.scalars(select(User.id).where(User.username == username)).first()
    return int(found or 0)


def build_demo(session: Session) -> None:
    for code, name, level, parent in PLACES:
        jurisdictions.ensure(session, SYSTEM, code=code, name=name, level=level, parent_code=parent)
    for code, entries in DIRECTORY.items():
        for name, aliases in entries:
            departments.ensure(session, SYSTEM, jurisdiction_code=code, name=name, aliases=aliases)
    for code, place, short, level in SAMPLE_PLACES:
        content = sample_plan(place, short, level)
        _plan(session, code, f"renewal-plan-{code}.txt", content)
    session.flush()
    office = office_actor(session, "140521")
    demo_mechanism.build(session, office, _department_actor(session, office))
    session.flush()


def _department_actor(session: Session, office: Actor) -> Actor:
    """The demo department user of the office's place, bound to its first directory entry."""
    code = office.jurisdiction_code
    lead = session.scalars(
        select(Department).where(Department.jurisdiction_code == code).order_by(Department.id)
    ).first()
    assert lead is not None
    return Actor(
        user_id=_user_id(session, f"department.{code}"),
        username="demo",
        display_name="演示部门",
        role="department",
        jurisdiction_code=code,
        org_id=lead.org_id,
        scope_codes=office.scope_codes,
    )


def _plan(session: Session, code: str, filename: str, content: bytes) -> None:
    digest = hashlib.sha256(content).hexdigest()
    stmt = select(Plan.id).where(Plan.jurisdiction_code == code, Plan.sha256 == digest)
    if session.scalars(stmt).first() is not None:
        return
    office = office_actor(session, code)
    plan = plans.import_plan(
        session, office, jurisdiction_code=code, filename=filename, content=content
    )
    choices = {m.unit_name: "new" for m in plans.matches(session, plan) if m.department_id is None}
    plans.confirm(session, office, plan.id, choices=choices)
    _progress(session, office, plan)
    _indicator_values(session, office, plan)
    _checkpoint_done(session, office, plan)


def _progress(session: Session, office: Actor, plan: Plan) -> None:
    lead = session.scalars(
        select(Department)
        .where(Department.jurisdiction_code == plan.jurisdiction_code)
        .order_by(Department.id)
    ).first()
    assert lead is not None
    dept_actor = Actor(
        user_id=_user_id(session, f"department.{plan.jurisdiction_code}"),
        username="demo",
        display_name="演示部门",
        role="department",
        jurisdiction_code=plan.jurisdiction_code,
        org_id=lead.org_id,
        scope_codes=office.scope_codes,
    )
    today = today_cn()
    period = period_of(today.replace(day=1) - timedelta(days=1), "monthly")
    mine = ledger.tasks_query(session, dept_actor, plan_id=plan.id)
    for i, task in enumerate(mine[:4]):
        ledger.update_task(
            session,
            office,
            task.id,
            yearly_goals="按方案要求完成年度任务",
            measures="建立工作台账，按月调度",
            deadline=task.deadline,
            responsible_person="张伟",
            schedule="monthly",
        )
        reports.file_report(
            session,
            dept_actor,
            task.id,
            period=period,
            percent=20 + 15 * i,
            text=f"已召开推进会，完成阶段任务{20 + 15 * i}%。",
            today=today,
        )
    if len(mine) > 4:
        overdue = mine[4]
        overdue.deadline = date(2024, 12, 31)
    session.flush()


def _checkpoint_done(session: Session, office: Actor, plan: Plan) -> None:
    attached = [c for c in checkpoints.list_for(session, office, plan_id=plan.id) if c.task_id]
    if attached:
        checkpoints.mark_done(session, office, attached[0].id, note="演示：已按期完成，见验收材料")


def _indicator_values(session: Session, office: Actor, plan: Plan) -> None:
    """Indicators with a platform source were computed when the plan was confirmed; four of
    the others get demonstration values entered by hand."""
    lead = session.scalars(
        select(Department.id)
        .where(Department.jurisdiction_code == plan.jurisdiction_code)
        .order_by(Department.id)
    ).first()
    manual = [
        i for i in indicators.list_for(session, office, plan_id=plan.id) if not i.computed_key
    ]
    for ind in manual[:4]:
        base = 100.0 if ind.kind in ("increase_pct", "increase_pp", "multiple") else None
        indicators.configure(session, office, ind.id, baseline_value=base, department_id=lead)
        level = indicators.target_level(ind)
        if level is None:
            continue
        start = base or 0.0
        for year, share in ((2024, 0.35), (2025, 0.6)):
            value = round(start + (level - start) * share, 2)
            indicators.record_value(
                session, office, ind.id, year=year, value=value, source="演示数据（部门统计）"
            )
