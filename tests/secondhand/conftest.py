"""Fixtures of the secondhand tests."""

from __future__ import annotations

import pytest

from huanxin.db import Database
from secondhand.shworld import World, make_world


@pytest.fixture
def world(database: Database) -> World:
    return make_world(database)
