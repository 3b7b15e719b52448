"""Fixture of the equipment tests: a small world of users."""

from __future__ import annotations

import pytest

import builders
from huanxin.core import orgs
from huanxin.core.audit import SYSTEM
from huanxin.db import Database


@pytest.fixture
def db(database: Database) -> Database:
    """Department and enterprise users in 沁水县, a department in 冠县, a finance user, and a
    second enterprise in 沁水县."""
    builders.world(
        database,
        ("department", "140521"),
        ("enterprise", "140521"),
        ("department", "371525"),
        ("finance", "140521"),
        ("office", "140521"),
    )
    with database.unit_of_work() as session:
        other = orgs.ensure(
            session, SYSTEM, kind="enterprise", name="另一家企业", jurisdiction_code="140521"
        )
        builders.create_user(
            session, "enterprise", "140521", org_id=other.id, username="enterprise2.140521"
        )
    return database
