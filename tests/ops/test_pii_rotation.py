"""Personal-data key rotation: new values under the new key at once, old ones still open,
re-encryption in place that can stop and resume, and nothing left under the old key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import builders
from huanxin.core import pii
from huanxin.core.models import User
from huanxin.db import Database
from huanxin.ops import piikeys


def _mobiles(db: Database) -> list[str]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(User.mobile_enc).where(User.mobile_enc.is_not(None)).order_by(User.id)
            )
        )


def test_rotate_then_reencrypt_in_place_resumably(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUANXIN_PII_KEY_FILE", str(tmp_path / "pii.keys"))
    with database.unit_of_work() as session:
        builders.create_places(session)
        for n in range(3):
            builders.create_user(
                session, "office", "140521", username=f"clerk{n}", mobile=f"1391234567{n}"
            )
    before = _mobiles(database)
    assert all(token.startswith("v1:") for token in before)

    assert piikeys.rotate() == "p1"
    assert (tmp_path / "pii.keys").stat().st_mode & 0o777 == 0o600
    fresh = pii.seal("13900000000")
    assert fresh.startswith("v2:p1:") and pii.unseal(fresh) == "13900000000"
    assert pii.unseal(before[0]) == "13912345670"  # the old key still opens old values

    first = piikeys.reencrypt(database, batch=1, limit=2)  # stopped part-way …
    assert sum(first.resealed.values()) == 2 and first.remaining == 1
    rest = piikeys.reencrypt(database)  # … and resumed
    assert sum(rest.resealed.values()) == 1 and rest.remaining == 0
    after = _mobiles(database)
    assert all(token.startswith("v2:p1:") for token in after)
    assert [pii.unseal(token) for token in after] == ["13912345670", "13912345671", "13912345672"]
    assert sum(piikeys.reencrypt(database).resealed.values()) == 0  # a second run has nothing to do
