"""Keyed hashes of nationally-unique keys, under the national federation key.

Every provincial deployment holds the same national key (``HUANXIN_FEDERATION_KEY``,
issued out of band by the national office); the registry never does. A resident ID has
little entropy (a region code, a birth date, a sequence and a check digit: about 10^10
values), so a plain or salted hash of it is reversed by trying them all; an HMAC under a
key the registry never sees is not. The value is ``"<version>:<hex>"``, and the key
string may list older versions after the current one (``"v2:new,v1:old"``) while a
rotation is under way: claims then also name the old-version hash, so a key held under
the old version still counts, and re-claiming rewrites it under the new one.

The local lookup hashes (``core.pii.lookup_hash``) use each deployment's own secret, so
they never match across provinces and never leave the deployment.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class KeyringError(ValueError):
    pass


@dataclass(frozen=True)
class Keyring:
    """The current version first, then any older versions still being rotated out."""

    versions: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, text: str) -> Keyring:
        versions = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            name, sep, secret = part.partition(":")
            if not sep or not name or len(secret) < 16:
                raise KeyringError("HUANXIN_FEDERATION_KEY: 'version:secret' (16+ characters)")
            versions.append((name, _derive(secret)))
        if not versions:
            raise KeyringError("HUANXIN_FEDERATION_KEY is empty")
        return cls(tuple(versions))

    def current(self, kind: str, value: str) -> str:
        return _mac(*self.versions[0], kind, value)

    def previous(self, kind: str, value: str) -> list[str]:
        return [_mac(name, key, kind, value) for name, key in self.versions[1:]]


def _derive(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"huanxin-national", info=b"keys")
    return hkdf.derive(secret.encode("utf-8"))


def _mac(name: str, key: bytes, kind: str, value: str) -> str:
    digest = hmac.new(key, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()
    return f"{name}:{digest}"


def person_value(resident_id: str, programme_id: str, category: str, period: str, slot: int) -> str:
    """One slot of a person's quota for a category and period of a programme."""
    return f"{resident_id.strip().upper()}|{programme_id}|{category}|{period}|{slot}"


def plain_value(value: str) -> str:
    """Serials, VINs and certificate numbers compare without case or surrounding spaces."""
    return value.strip().upper()
