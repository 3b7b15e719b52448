"""Password hashing with argon2id."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# HUANXIN_ARGON2_PROFILE=test lowers the cost for test suites only; never set it in production.
if os.environ.get("HUANXIN_ARGON2_PROFILE") == "test":
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
else:
    _hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_strength(password: str) -> str | None:
    """Return a Chinese reason if the password is too weak, else None."""
    if len(password) < 10:
        return "密码至少10位"
    kinds = sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if kinds < 3:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类"
    return None
