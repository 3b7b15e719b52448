"""Home-page items of the equipment domain, read from the database: an enterprise's ledger
flags (each linking to its ledger filtered to that flag) and its projects by stage; for the
office and departments the registered enterprises, the flagged equipment and the library."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.equipment.service import access, enterprises, ledger
from huanxin.equipment.vocab import STAGES
from huanxin.web.ui import HomeItem, count_figure

OPEN_STAGES = ("planning", "applied", "approved", "building")


def _projects_by_stage(session: Session, actor: Actor) -> dict[str, int]:
    sub = access.readable_projects(actor).subquery()
    rows = session.execute(select(sub.c.stage, func.count()).group_by(sub.c.stage))
    return {str(stage): int(n) for stage, n in rows}


def _enterprise(session: Session, actor: Actor) -> list[HomeItem]:
    own = enterprises.own(session, actor)
    if own is None:
        return [count_figure("登记设备", 0, "/equipment", note="请先导入设备台账", todo=True)]
    s = ledger.summary(session, actor)
    ledger_href = f"/equipment/enterprises/{own.id}"
    stages = _projects_by_stage(session, actor)
    going = sum(stages.get(k, 0) for k in OPEN_STAGES)
    note = "，".join(f"{STAGES[k]} {stages[k]}" for k in OPEN_STAGES if stages.get(k))
    return [
        count_figure(
            "淘汰清单设备", s.elimination, f"{ledger_href}?flag=elimination", unit="台", todo=True
        ),
        count_figure(
            "更新改造对象", s.renewal, f"{ledger_href}?flag=renewal_candidate", unit="台", todo=True
        ),
        count_figure(
            "安全评估到期", s.safety, f"{ledger_href}?flag=safety_assessment", unit="台", todo=True
        ),
        count_figure("进行中的更新项目", going, "/equipment/projects", unit="个", note=note),
        count_figure("台账设备", s.rows, ledger_href, unit="台"),
    ]


def figures(session: Session, actor: Actor) -> list[HomeItem]:
    if access.own_only(actor):
        return _enterprise(session, actor)
    if not access.reads_all(actor):
        return []
    s = ledger.summary(session, actor)
    sub = access.readable_projects(actor).subquery()
    count = int(session.scalar(select(func.count()).select_from(sub)) or 0)
    return [
        count_figure("登记企业", enterprises.count(session, actor), "/equipment"),
        count_figure("淘汰清单设备", s.elimination, "/equipment/lists", unit="台"),
        count_figure("更新改造对象", s.renewal, "/equipment/lists", unit="台"),
        count_figure("项目库项目", count, "/equipment/projects", unit="个"),
    ]
