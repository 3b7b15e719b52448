"""The audit key ring: MAC keys for audit entries and Ed25519 keys for signed checkpoints.

The keys never live in the database. The first MAC key (``m0``) and signing key (``s0``)
are derived from the secret key with HKDF; later keys are random and appended to the
key file ``HUANXIN_AUDIT_KEY_FILE`` (``var/audit.keys`` by default, mode 0600) by
``huanxin audit rotate-key``. Each line is ``<kind> <id> <base64 key>`` with kind ``mac``
or ``sign``; the newest key of each kind signs new entries and checkpoints, and every
older one still verifies what it signed. The ring is re-read when the file changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from huanxin.config import get_settings

KINDS = ("mac", "sign")


class MissingAuditKey(RuntimeError):
    pass


@dataclass(frozen=True)
class KeyRing:
    mac_keys: dict[str, bytes]
    sign_keys: dict[str, bytes]  # Ed25519 private key seeds
    mac_id: str  # the newest MAC key
    sign_id: str  # the newest signing key

    def mac(self, key_id: str, message: bytes) -> str | None:
        """HMAC-SHA256 of ``message`` under ``key_id``; None for an unknown key id."""
        key = self.mac_keys.get(key_id)
        if key is None:
            return None
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def signer(self, key_id: str | None = None) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.sign_keys[key_id or self.sign_id])

    def public_key(self, key_id: str) -> str:
        raw = self.signer(key_id).public_key().public_bytes_raw()
        return base64.b64encode(raw).decode("ascii")


def _derive(secret: str, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"huanxin-audit", info=info)
    return hkdf.derive(secret.encode("utf-8"))


def key_file() -> Path:
    return Path(os.environ.get("HUANXIN_AUDIT_KEY_FILE", "var/audit.keys"))


def _read_lines(path: Path) -> list[tuple[str, str, bytes]]:
    if not path.exists():
        return []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or parts[0] not in KINDS:
            raise MissingAuditKey(f"{path}:{number}: expected '<mac|sign> <id> <base64 key>'")
        rows.append((parts[0], parts[1], base64.b64decode(parts[2])))
    return rows


@lru_cache(maxsize=8)
def _ring(secret: str, path: Path, _stamp: int) -> KeyRing:
    if not secret:
        raise MissingAuditKey("HUANXIN_SECRET_KEY is not set and no key file exists")
    mac, sign = {"m0": _derive(secret, b"mac")}, {"s0": _derive(secret, b"sign")}
    for kind, key_id, key in _read_lines(path):
        (mac if kind == "mac" else sign)[key_id] = key
    return KeyRing(mac, sign, mac_id=list(mac)[-1], sign_id=list(sign)[-1])


def ring() -> KeyRing:
    """The current key ring (cached; re-read when the key file changes)."""
    path = key_file()
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _ring(get_settings().secret_key, path, stamp)


def rotate(kind: str) -> str:
    """Append a new random key of ``kind`` to the key file; return its id."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    current = ring()
    taken = current.mac_keys if kind == "mac" else current.sign_keys
    key_id = f"{kind[0]}{len(taken)}"
    while key_id in taken:
        key_id += "x"
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(f"{kind} {key_id} {base64.b64encode(secrets.token_bytes(32)).decode()}\n")
        out.flush()
        os.fsync(out.fileno())
    return key_id
