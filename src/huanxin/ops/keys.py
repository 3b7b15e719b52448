"""Key ids: a short public fingerprint of the secret key, written into backups and shown by
``huanxin keys id`` so an operator can tell which key a backup needs without revealing it."""

from __future__ import annotations

import hashlib
import hmac


def key_id(secret: str) -> str:
    """16 hex digits that identify ``secret`` and reveal nothing of it.

    >>> key_id("a") == key_id("a") != key_id("b")
    True
    """
    if not secret:
        return "none"
    return hmac.new(secret.encode("utf-8"), b"huanxin-key-id", hashlib.sha256).hexdigest()[:16]
