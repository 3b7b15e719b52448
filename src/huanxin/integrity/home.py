"""Home-page figures of the integrity domain, read from the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from huanxin.core.actor import Actor
from huanxin.web.ui import Figure


def figures(session: Session, actor: Actor) -> list[Figure]:
    return []
