"""Personal identifiers at rest: AES-GCM encryption, keyed-hash lookup, masked display.

Two keys are derived from ``HUANXIN_SECRET_KEY`` with HKDF: one encrypts, one hashes.
A value is stored as ``v1:<base64(nonce|ciphertext)>`` and looked up by
``HMAC-SHA256(kind | normalised value)``, so equal values of different kinds never collide.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

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


def _secret() -> str:
    return get_settings().secret_key


def seal(value: str) -> str:
    enc_key, _ = _keys(_secret())
    nonce = os.urandom(12)
    ct = AESGCM(enc_key).encrypt(nonce, value.encode("utf-8"), b"huanxin")
    return "v1:" + base64.b64encode(nonce + ct).decode("ascii")


def unseal(token: str) -> str:
    enc_key, _ = _keys(_secret())
    if not token.startswith("v1:"):
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(token[3:])
    return AESGCM(enc_key).decrypt(raw[:12], raw[12:], b"huanxin").decode("utf-8")


def lookup_hash(kind: str, value: str) -> str:
    _, mac_key = _keys(_secret())
    msg = f"{kind}|{value}".encode()
    return hmac.new(mac_key, msg, hashlib.sha256).hexdigest()
