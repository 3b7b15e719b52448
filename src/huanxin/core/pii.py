"""Personal identifiers at rest: AES-GCM encryption, keyed-hash lookup, masked display.

Two keys are derived from ``HUANXIN_SECRET_KEY`` with HKDF: one encrypts, one hashes.
A value is stored as ``v1:<base64(nonce|ciphertext)>`` and looked up by
``HMAC-SHA256(kind | normalised value)``, so equal values of different kinds never collide.

Encryption keys rotate: ``huanxin keys rotate-pii`` appends a random key ``p1``, ``p2`` …
to ``HUANXIN_PII_KEY_FILE`` (``var/pii.keys``); new values are sealed with the newest as
``v2:<key id>:<base64>``, older ones still open with theirs (the derived key is ``p0``,
the ``v1:`` form), and ``huanxin keys reencrypt-pii`` re-seals old values in place. The
lookup key is not rotated: its hashes are the database's unique keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from huanxin.config import get_settings


class MissingSecretKey(RuntimeError):
    pass


def _derive(secret: str, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"huanxin-pii", info=info)
    return hkdf.derive(secret.encode("utf-8"))


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, bytes]:
    if not secret:
        raise MissingSecretKey("HUANXIN_SECRET_KEY is not set and no key file exists")
    return _derive(secret, b"encrypt"), _derive(secret, b"lookup")


def derived_key(info: bytes) -> bytes:
    """A key of its own for ``info`` (e.g. the record-linkage filters), from the same secret."""
    return _derive(_secret(), info)


def _secret() -> str:
    return get_settings().secret_key


def key_file() -> Path:
    return Path(os.environ.get("HUANXIN_PII_KEY_FILE", "var/pii.keys"))


@lru_cache(maxsize=8)
def _ring(secret: str, path: Path, _stamp: int) -> tuple[dict[str, bytes], str]:
    keys = {"p0": _keys(secret)[0]}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key_id, raw = line.split()
                keys[key_id] = base64.b64decode(raw)
    return keys, list(keys)[-1]


def ring() -> tuple[dict[str, bytes], str]:
    """Every encryption key by id, and the id of the newest (re-read when the file changes)."""
    path = key_file()
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _ring(_secret(), path, stamp)


def prefix(key_id: str) -> str:
    return "v1:" if key_id == "p0" else f"v2:{key_id}:"


def sealer() -> Callable[[str], str]:
    """``seal`` bound to the newest key, for sealing many values at once (a bulk load)."""
    keys, newest = ring()
    aead, head = AESGCM(keys[newest]), prefix(newest)

    def seal_one(value: str) -> str:
        nonce = os.urandom(12)
        ct = aead.encrypt(nonce, value.encode("utf-8"), b"huanxin")
        return head + base64.b64encode(nonce + ct).decode("ascii")

    return seal_one


def seal(value: str) -> str:
    return sealer()(value)


def key_id_of(token: str) -> str:
    if token.startswith("v1:"):
        return "p0"
    if token.startswith("v2:"):
        return token.split(":", 2)[1]
    raise ValueError("unknown ciphertext version")


def unseal(token: str) -> str:
    keys, _ = ring()
    key_id = key_id_of(token)
    if key_id not in keys:
        raise ValueError(f"unknown personal-data key id {key_id}")
    raw = base64.b64decode(token[len(prefix(key_id)) :])
    return AESGCM(keys[key_id]).decrypt(raw[:12], raw[12:], b"huanxin").decode("utf-8")


def lookup_hash(kind: str, value: str) -> str:
    _, mac_key = _keys(_secret())
    msg = f"{kind}|{value}".encode()
    return hmac.new(mac_key, msg, hashlib.sha256).hexdigest()
