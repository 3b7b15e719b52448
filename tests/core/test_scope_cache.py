"""A caller's jurisdiction scope is kept per process like a bearer token: the 07:00 crowd of
one place resolving their new tokens reads the place's subtree once, and a jurisdiction
added in this process is in the next caller's scope at once."""

from __future__ import annotations

from sqlalchemy import event

import builders
from huanxin.core import auth, jurisdictions
from huanxin.core.audit import SYSTEM
from huanxin.db import Database


def _tokens(database: Database, count: int) -> list[str]:
    with database.unit_of_work() as session:
        builders.create_places(session)
        users = [
            builders.create_user(session, "consumer", "140500", username=f"crowd.{n}")
            for n in range(count)
        ]
        return [auth.issue_token(session, user, name="crowd") for user in users]


def test_a_crowd_of_one_place_reads_its_scope_once(database: Database) -> None:
    raws = _tokens(database, 4)
    reads: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM jurisdictions" in statement:
            reads.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        actors = [auth.cached_actor_from_token(database.sessions, raw) for raw in raws[:3]]
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert [a.username for a in actors if a] == ["crowd.0", "crowd.1", "crowd.2"]
    assert len(reads) == 1 and "140521" in actors[2].scope_codes  # type: ignore[union-attr]
    with database.unit_of_work() as session:  # a county added here: the cache is emptied
        jurisdictions.create(
            session, SYSTEM, code="140599", name="新区", level="county", parent_code="140500"
        )
    fresh = auth.cached_actor_from_token(database.sessions, raws[3])
    assert fresh is not None and "140599" in fresh.scope_codes
