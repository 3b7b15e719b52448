"""Home-page figures of the equipment domain, read from the database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.equipment.service import access, enterprises, ledger
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
    if not (access.reads_all(actor) or actor.can("equipment:own")):
        return []
    s = ledger.summary(session, actor)
    out = [
        Figure("淘汰清单设备", f"{s.elimination:,}", "/equipment"),
        Figure("更新改造对象", f"{s.renewal:,}", "/equipment"),
    ]
    if access.reads_all(actor):
        sub = access.readable_projects(actor).subquery()
        count = int(session.scalar(select(func.count()).select_from(sub)) or 0)
        out.insert(0, Figure("登记企业", f"{enterprises.count(session, actor):,}", "/equipment"))
        out.append(Figure("项目库项目", f"{count:,}", "/equipment/projects"))
    return out
